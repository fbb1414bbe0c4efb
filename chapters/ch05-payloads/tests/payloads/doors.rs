//! The three front doors side by side: what each lets through, how long it waits, what it answers
//! itself and what it costs, from the constants the local gateway and the cost model use.

use ch03_functions::local_gateway::door::{
    LAMBDA_STREAM_CAPPED_BYTES_PER_SECOND, LAMBDA_STREAM_UNCAPPED_BYTES,
};
use ch03_functions::local_gateway::{Door, LAMBDA_MAX_REQUEST_BYTES, LAMBDA_MAX_RESPONSE_BYTES};
use ch06_infrastructure::prices::{
    API_GATEWAY_HTTP_REQUEST, API_GATEWAY_REST_REQUEST, FUNCTION_URL_REQUEST,
};

const MB: usize = 1024 * 1024;

/// One row of the table: what it is about, and a cell per door.
fn row(what: &str, cell: impl Fn(Door) -> String) -> String {
    let cells: Vec<String> = Door::ALL.into_iter().map(cell).collect();
    format!("| {what} | {} |\n", cells.join(" | "))
}

// ANCHOR: limits
#[test]
fn the_limits_of_each_door() {
    let mut table = String::from("| | ");
    table.push_str(&Door::ALL.map(Door::name).join(" | "));
    table.push_str(" |\n|---|---|---|---|\n");
    table.push_str(&row("in front of", |door| {
        match door {
            Door::FunctionUrl => "one function",
            _ => "a function per route, or one for every route",
        }
        .to_owned()
    }));
    table.push_str(&row("event", |door| {
        format!("payload format {}", door.payload_format())
    }));
    table.push_str(&row("base URL", |door| {
        let host = match door {
            Door::FunctionUrl => "{url-id}.lambda-url.{region}.on.aws",
            _ => "{api-id}.execute-api.{region}.amazonaws.com",
        };
        format!("`https://{host}{}/`", door.base_path())
    }));
    table.push_str(&row("largest request body", |door| {
        let body = door.max_request_body() / MB;
        if door.max_request_body() > LAMBDA_MAX_REQUEST_BYTES {
            let event = LAMBDA_MAX_REQUEST_BYTES / MB;
            format!("{body} MB, but Lambda takes an event of {event} MB at most")
        } else {
            format!("{body} MB, the whole event")
        }
    }));
    table.push_str(&row("largest answer, buffered", |_| {
        format!("{} MB", LAMBDA_MAX_RESPONSE_BYTES / MB)
    }));
    table.push_str(&row("largest answer, streamed", |door| {
        match door.max_streamed_response() {
            Some(bytes) => format!(
                "{} MB, at {} MB/s after the first {} MB",
                bytes / MB,
                LAMBDA_STREAM_CAPPED_BYTES_PER_SECOND / MB,
                LAMBDA_STREAM_UNCAPPED_BYTES / MB
            ),
            None => "cannot stream".to_owned(),
        }
    }));
    table.push_str(&row("waits for the function", |door| {
        match door.integration_timeout() {
            Some(timeout) if door == Door::RestApi => format!(
                "{} s (a Regional API: more, by a quota increase)",
                timeout.as_secs()
            ),
            Some(timeout) => format!("{} s, fixed", timeout.as_secs()),
            None => "as long as the function runs (up to 15 minutes)".to_owned(),
        }
    }));
    table.push_str(&row(
        "its own errors readable from another origin",
        |door| {
            let failed = door.function_failed();
            let readable = failed.headers().contains_key("access-control-allow-origin");
            if readable { "yes" } else { "no" }.to_owned()
        },
    ));
    table.push_str(&row("price per million requests (us-east-1)", |door| {
        let price = match door {
            Door::RestApi => API_GATEWAY_REST_REQUEST,
            Door::HttpApi => API_GATEWAY_HTTP_REQUEST,
            Door::FunctionUrl => FUNCTION_URL_REQUEST,
        };
        format!("${:.2}, plus Lambda's", price.dollars * 1e6)
    }));
    insta::assert_snapshot!(table);
}
// ANCHOR_END: limits
