//! The same logical requests through both variants, every stage snapshotted. The book's tables
//! are the `*_table` snapshots; the rest are the full payloads they summarise.

use std::fmt::Write as _;

use ch01_blog_core::http::Method;
use ch01_blog_core::test_support::seeded_blog;
use ch03_functions::STAGE;
use ch05_payloads::{
    Backends, LogicalRequest, container_side, describe_lambda_event, functions_side,
    invoke_with_any_event,
};
use serde_json::Value;

/// The requests the chapter follows: one read, one write, one failure.
fn requests() -> Vec<(&'static str, LogicalRequest)> {
    vec![
        ("get-post", LogicalRequest::new(Method::GET, "/blog/hello")),
        (
            "create-post",
            LogicalRequest::new(Method::POST, "/blog")
                .json(r#"{"title":"Side by side","author":"Ada","contents":"Compared"}"#),
        ),
        (
            "get-post-missing",
            LogicalRequest::new(Method::GET, "/blog/nope"),
        ),
    ]
}

#[tokio::test]
async fn each_request_through_both_variants() {
    for (name, request) in requests() {
        let functions = functions_side(&seeded_blog().await, &request).await;
        let backends = Backends::start(seeded_blog().await, seeded_blog().await).await;
        let container = container_side(backends.container, &request).await;

        insta::assert_json_snapshot!(format!("{name}-1-functions-event"), functions.event);
        insta::assert_snapshot!(
            format!("{name}-2-functions-request-seen"),
            functions.request_seen
        );
        insta::assert_json_snapshot!(
            format!("{name}-3-functions-proxy-response"),
            functions.proxy_response
        );
        insta::assert_snapshot!(format!("{name}-4-container-request"), container.raw_request);
        insta::with_settings!({filters => vec![(r"(?m)^date: .*$", "date: <date>")]}, {
            insta::assert_snapshot!(
                format!("{name}-5-container-response"),
                container.raw_response
            );
        });

        // However different the journeys, the answers are the same.
        let (_, container_body) = container.raw_response.split_once("\n\n").unwrap();
        assert_eq!(
            functions.proxy_response["body"].as_str().unwrap(),
            container_body,
            "{name}"
        );
    }
}

/// A markdown table, wrapped in anchors so the book can include it from the snapshot.
fn table(anchor: &str, header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!(
        "<!-- ANCHOR: {anchor} -->\n| {} |\n|{}\n",
        header.join(" | "),
        "---|".repeat(header.len())
    );
    for row in rows {
        writeln!(out, "| {} |", row.join(" | ")).unwrap();
    }
    writeln!(out, "<!-- ANCHOR_END: {anchor} -->").unwrap();
    out
}

fn code(text: &str) -> String {
    if text.is_empty() {
        "(none)".to_owned()
    } else {
        format!("`{}`", text.replace('|', "\\|"))
    }
}

#[tokio::test]
async fn the_two_journeys_table() {
    let request = LogicalRequest::new(Method::POST, "/blog")
        .json(r#"{"title":"Side by side","author":"Ada","contents":"Compared"}"#);
    let functions = functions_side(&seeded_blog().await, &request).await;
    let backends = Backends::start(seeded_blog().await, seeded_blog().await).await;
    let container = container_side(backends.container, &request).await;
    let event = &functions.event;
    let response = &functions.proxy_response;
    let status_line = container.raw_response.lines().next().unwrap().to_owned();
    let rows = vec![
        vec![
            "what arrives".into(),
            "a JSON document (the proxy event)".into(),
            "bytes on a TCP connection (HTTP/1.1)".into(),
        ],
        vec![
            "method and path".into(),
            format!(
                "{} and {}",
                code(event["httpMethod"].as_str().unwrap()),
                code(event["path"].as_str().unwrap())
            ),
            code(container.raw_request.lines().next().unwrap()),
        ],
        vec![
            "stage".into(),
            format!(
                "{} (and `uri()` is {})",
                code(event["requestContext"]["stage"].as_str().unwrap()),
                code(&format!("/{STAGE}/blog"))
            ),
            "none".into(),
        ],
        vec![
            "routing done by".into(),
            format!(
                "API Gateway: resource {}",
                code(event["resource"].as_str().unwrap())
            ),
            "our code: `Route::of`".into(),
        ],
        vec![
            "request headers".into(),
            "`headers` and `multiValueHeaders`: as sent, plus `x-forwarded-*` (and CloudFront's, for an edge API) in AWS".into(),
            "as sent, plus the load balancer's `x-forwarded-*` and `x-amzn-trace-id`".into(),
        ],
        vec![
            "body".into(),
            format!(
                "a JSON string field, `isBase64Encoded: {}`",
                event["isBase64Encoded"]
            ),
            "raw bytes, `content-length` long".into(),
        ],
        vec![
            "what leaves".into(),
            "a JSON document (the proxy response)".into(),
            "bytes on the same connection".into(),
        ],
        vec![
            "status".into(),
            format!("`\"statusCode\": {}`", response["statusCode"]),
            code(&status_line),
        ],
        vec![
            "response headers".into(),
            format!(
                "`multiValueHeaders` ({} names); `headers` is `{{}}`",
                response["multiValueHeaders"].as_object().unwrap().len()
            ),
            "header lines".into(),
        ],
    ];
    insta::assert_snapshot!(table(
        "journeys",
        &[
            "",
            "functions (API Gateway REST → Lambda)",
            "container (ALB → hyper)"
        ],
        &rows
    ));
}

fn read_fixture(path: &str) -> Value {
    let path = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The same `GET /blog/hello` as a REST (v1) event, an HTTP API (v2) event and an ALB event, fed
/// to the same `get-post` function.
#[tokio::test]
async fn one_get_from_three_event_sources() {
    let sources = [
        (
            "rest",
            "API Gateway REST (v1)",
            read_fixture("../ch03-functions/tests/fixtures/get-post.json"),
        ),
        (
            "http-api",
            "API Gateway HTTP API (v2)",
            read_fixture("tests/fixtures/apigw-v2-get-post.json"),
        ),
        (
            "alb",
            "Application Load Balancer",
            read_fixture("tests/fixtures/alb-get-post.json"),
        ),
    ];
    let mut rows = Vec::new();
    for (slug, source, event) in sources {
        let seen = describe_lambda_event(&event);
        let response = invoke_with_any_event(
            &seeded_blog().await,
            ch03_functions::Endpoint::GetPost,
            event,
        )
        .await
        .unwrap();
        insta::assert_snapshot!(format!("event-source-{slug}-request-seen"), seen);
        insta::assert_json_snapshot!(format!("event-source-{slug}-response"), response);

        let field = |name: &str| {
            seen.lines()
                .find(|line| line.starts_with(name))
                .unwrap()
                .split_once(':')
                .unwrap()
                .1
                .trim()
                .to_owned()
        };
        let header_fields: Vec<&str> = [
            "headers",
            "multiValueHeaders",
            "cookies",
            "statusDescription",
        ]
        .into_iter()
        .filter(|key| {
            response.get(*key).is_some_and(|value| {
                !value.is_null()
                    && value != &Value::Object(Default::default())
                    && value != &Value::Array(vec![])
            })
        })
        .collect();
        rows.push(vec![
            source.to_owned(),
            code(&field("uri().path()")),
            code(&field("path params")),
            response["statusCode"].to_string(),
            header_fields
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", "),
        ]);
    }
    insta::assert_snapshot!(table(
        "event_sources",
        &[
            "event source",
            "`uri().path()`",
            "path parameters",
            "status",
            "response fields in use"
        ],
        &rows
    ));
}

/// A snapshot file's content, without insta's header.
fn snapshot_body(name: &str) -> String {
    let path = format!(
        "{}/tests/payloads/snapshots/payloads__side_by_side__{name}.snap",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let after_header = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map(|(_, body)| body)
        .unwrap_or(&text);
    after_header.trim_end().to_owned()
}

/// A line reduced to what it says, so that `"content-type": "application/json",` in a JSON
/// document and `content-type: application/json` in HTTP count as the same line.
fn gist(line: &str) -> String {
    line.chars()
        .map(|c| match c {
            '"' | ',' | '{' | '}' | '[' | ']' | ':' => ' ',
            c => c.to_ascii_lowercase(),
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One side of a hop: each line, marked (`›` and `<mark>`) when the other side has no line that
/// says the same thing.
fn column(text: &str, other: &str) -> String {
    let other: Vec<String> = other.lines().map(gist).collect();
    let mut html = String::from("<pre>");
    for line in text.lines() {
        let said = gist(line);
        let shared = said.is_empty()
            || other.iter().any(|o| {
                o.contains(&said) || (!o.is_empty() && said.contains(o.as_str()) && o.len() > 8)
            });
        if line.trim().is_empty() {
            // Not a blank line: in Markdown, a blank line would end the HTML block.
            writeln!(html, "<span></span>").unwrap();
        } else if shared {
            writeln!(html, "  {}", escape_html(line)).unwrap();
        } else {
            writeln!(html, "<mark>› {}</mark>", escape_html(line)).unwrap();
        }
    }
    html.push_str("</pre>");
    html
}

/// Chapter 5's two journeys in two columns, hop by hop, from the `create-post` snapshots above:
/// the lines with no counterpart on the other side are marked.
#[test]
fn the_two_journeys_in_two_columns() {
    let event = snapshot_body("create-post-1-functions-event");
    let seen = snapshot_body("create-post-2-functions-request-seen");
    let proxy_response = snapshot_body("create-post-3-functions-proxy-response");
    let request = snapshot_body("create-post-4-container-request");
    let response = snapshot_body("create-post-5-container-response");
    let hops = [
        (
            "What arrives",
            column(&event, &request),
            column(&request, &event),
        ),
        (
            "What the handler reads",
            column(&seen, &request),
            "<p>The same bytes, parsed by hyper into an <code>http::Request</code>: nothing \
             added, nothing taken away.</p>"
                .to_owned(),
        ),
        (
            "What leaves",
            column(&proxy_response, &response),
            column(&response, &proxy_response),
        ),
    ];
    let mut html = String::from(
        "<!-- ANCHOR: columns -->\n<div class=\"journeys\">\n<div class=\"journeys-head\">functions: API Gateway → Lambda</div>\n<div class=\"journeys-head\">container: load balancer → hyper</div>\n",
    );
    for (hop, functions, container) in hops {
        writeln!(
            html,
            "<div class=\"journeys-hop\">{hop}</div>\n<div>\n{functions}\n</div>\n<div>\n{container}\n</div>"
        )
        .unwrap();
    }
    html.push_str("</div>\n<!-- ANCHOR_END: columns -->\n");
    // The marks must mean something: the stage and the envelope are marked, the shared
    // content-type header is not.
    assert!(
        html.contains("<mark>›     \"stage\": \"Prod\"</mark>"),
        "{html}"
    );
    assert!(html.contains("  content-type: application/json"));
    insta::assert_snapshot!(html);
}
