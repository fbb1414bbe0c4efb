//! The same functions behind another front door: an HTTP API, or a function URL, sends its event
//! in payload format 2.0 instead of the REST API's 1.0. `lambda_http` reads both, and each
//! function answers in the format of the event it got. Every request here goes to a function
//! both ways, and the two HTTP answers must be the same.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use ch01_blog_core::http::{Request, Response};
use ch01_blog_core::test_support::raw_http::send;
use ch01_blog_core::test_support::seeded_blog;
use ch01_blog_core::{Blog, BlogPath};
use ch03_functions::local_gateway::event::{
    Caller, DoorEvent, from_http_api_response, from_proxy_response, http_api_event, proxy_event,
};
use ch03_functions::local_gateway::{Backend, Door, Limits};
use ch03_functions::{Endpoint, LocalApiGateway, STAGE, invoke_http_api_raw, invoke_raw};
use lambda_http::aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayV2httpResponse};

const CALLER: Caller<'static> = Caller {
    source_ip: "198.51.100.7",
    request_id: "door-test",
};

/// A request of each endpoint, its successes and its failures, as `(endpoint, method, path
/// below the stage, body)`.
fn requests() -> Vec<(Endpoint, &'static str, String, &'static str)> {
    let post = r#"{"title":"Doors","author":"Ann","contents":"One post, two formats"}"#;
    vec![
        (Endpoint::GetPosts, "GET", "/blog".into(), ""),
        (Endpoint::GetPosts, "GET", "/blog?limit=1".into(), ""),
        (Endpoint::GetPosts, "GET", "/blog?limit=zero".into(), ""),
        (Endpoint::CreatePost, "POST", "/blog".into(), post),
        (Endpoint::CreatePost, "POST", "/blog".into(), "{not json"),
        (Endpoint::GetPost, "GET", "/blog/hello".into(), ""),
        (Endpoint::GetPost, "GET", "/blog/missing".into(), ""),
        (Endpoint::DeletePost, "DELETE", "/blog/hello".into(), ""),
        (Endpoint::DeletePost, "DELETE", "/blog/missing".into(), ""),
    ]
}

fn request(method: &str, target: &str, body: &'static str) -> Request<Bytes> {
    Request::builder()
        .method(method)
        .uri(target)
        .header("content-type", "application/json")
        .header("cookie", "theme=dark; lang=en")
        .header("user-agent", "door-test")
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap()
}

/// The id path parameter of `/blog/{id}`, if the path has one.
fn id_of(path: &str) -> Option<String> {
    BlogPath::parse(path.split('?').next().unwrap()).and_then(|path| path.id().map(str::to_owned))
}

/// Through the REST API's door (stage `Prod`, payload format 1.0).
async fn through_rest_api(
    blog: &Blog,
    endpoint: Endpoint,
    method: &str,
    target: &str,
    body: &'static str,
) -> Response<Bytes> {
    let request = request(method, &format!("/{STAGE}{target}"), body);
    let id = id_of(target);
    let resource = endpoint.route().1;
    let event = proxy_event(&request, STAGE, resource, id.as_deref(), &CALLER);
    let answer = invoke_raw(blog, endpoint, event).await.unwrap();
    from_proxy_response(serde_json::from_slice::<ApiGatewayProxyResponse>(&answer).unwrap())
}

/// The payload 2.0 event of `target` on the HTTP API's `$default` stage.
fn http_api_event_of(
    endpoint: Endpoint,
    method: &str,
    target: &str,
    body: &'static str,
) -> lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequest {
    let request = request(method, target, body);
    let (route_method, resource) = endpoint.route();
    let parameters: HashMap<String, String> = id_of(target)
        .map(|id| ("id".to_owned(), id))
        .into_iter()
        .collect();
    http_api_event(
        &request,
        "$default",
        &format!("{route_method} {resource}"),
        parameters,
        &CALLER,
    )
}

/// Through an HTTP API's door (stage `$default`, payload format 2.0): the function's answer
/// document, and the HTTP answer made from it.
async fn through_http_api(
    blog: &Blog,
    endpoint: Endpoint,
    method: &str,
    target: &str,
    body: &'static str,
) -> (serde_json::Value, Response<Bytes>) {
    let event = http_api_event_of(endpoint, method, target, body);
    let answer = invoke_http_api_raw(blog, endpoint, event).await.unwrap();
    let document: serde_json::Value = serde_json::from_slice(&answer).unwrap();
    let response = from_http_api_response(
        serde_json::from_slice::<ApiGatewayV2httpResponse>(&answer).unwrap(),
    )
    .expect("a valid answer");
    (document, response)
}

#[tokio::test]
async fn each_function_answers_a_payload_2_event_as_it_answers_the_rest_apis() {
    for (endpoint, method, target, body) in requests() {
        // A blog of its own for each door: a create or a delete changes it.
        let (rest_blog, http_blog) = (seeded_blog().await, seeded_blog().await);
        let rest = through_rest_api(&rest_blog, endpoint, method, &target, body).await;
        let (_, http) = through_http_api(&http_blog, endpoint, method, &target, body).await;
        let what = format!("{method} {target}");
        assert_eq!(rest.status(), http.status(), "{what}");
        assert_eq!(rest.headers(), http.headers(), "{what}");
        if endpoint == Endpoint::CreatePost && rest.status() == 201 {
            // Each created post has an id and a time of its own: compare everything else.
            let strip = |body: &Bytes| {
                let mut post: serde_json::Value = serde_json::from_slice(body).unwrap();
                post["id"] = serde_json::Value::Null;
                post["created_at"] = serde_json::Value::Null;
                post
            };
            assert_eq!(strip(rest.body()), strip(http.body()), "{what}");
        } else {
            assert_eq!(rest.body(), http.body(), "{what}");
        }
    }
}

#[tokio::test]
async fn the_payload_2_event_and_answer_of_a_read() {
    let blog = seeded_blog().await;
    let mut event = serde_json::to_value(http_api_event_of(
        Endpoint::GetPost,
        "GET",
        "/blog/hello",
        "",
    ))
    .unwrap();
    event["requestContext"]["timeEpoch"] = serde_json::json!("[time]");
    // The type `lambda_http` reads also serves other events (an authorizer's): the fields only
    // those carry are not part of what an HTTP API sends, nor is `httpMethod`.
    without_absent_fields(&mut event);
    event.as_object_mut().unwrap().remove("httpMethod");
    let (answer, _) = through_http_api(&blog, Endpoint::GetPost, "GET", "/blog/hello", "").await;
    let shown = format!(
        "ANCHOR: event\n{}\nANCHOR_END: event\nANCHOR: answer\n{}\nANCHOR_END: answer",
        serde_json::to_string_pretty(&event).unwrap(),
        serde_json::to_string_pretty(&answer).unwrap()
    );
    insta::assert_snapshot!(shown);
}

/// Drops the fields that are `null` (or an empty object), recursively: absent from the event.
fn without_absent_fields(value: &mut serde_json::Value) {
    if let Some(object) = value.as_object_mut() {
        object.retain(|_, field| {
            !(field.is_null() || field.as_object().is_some_and(serde_json::Map::is_empty))
        });
        object.values_mut().for_each(without_absent_fields);
    }
}

/// A function for every path, for the doors' own answers: `/fail` returns an error, `/big`
/// answers 7 MB, `/hang` never answers (the function's or the door's timeout ends it).
fn misbehaving_function() -> Backend {
    Backend::Proxy {
        name: "misbehaving",
        handler: Arc::new(|event: DoorEvent| {
            let path = match &event {
                DoorEvent::Rest(event) => event.path.clone().unwrap_or_default(),
                DoorEvent::Http(event) => event.raw_path.clone().unwrap_or_default(),
            };
            Box::pin(async move {
                match path.as_str() {
                    "/fail" => Err("the function failed".into()),
                    "/big" => Ok(vec![b' '; 7 * 1024 * 1024]),
                    _ => std::future::pending().await,
                }
            })
        }),
    }
}

/// The target of `path` behind `door`.
fn target(door: Door, path: &str) -> String {
    format!("{}{path}", door.base_path())
}

fn get(door: Door, path: &str) -> Request<Bytes> {
    Request::builder()
        .uri(target(door, path))
        .body(Bytes::new())
        .unwrap()
}

/// One cell of the table: the status, the body, and whether a browser on another origin may
/// read it (the answer carries `Access-Control-Allow-Origin`).
fn cell(status: u16, headers: &ch01_blog_core::http::HeaderMap, body: &[u8]) -> String {
    let readable = if headers.contains_key("access-control-allow-origin") {
        ", with CORS"
    } else {
        ", no CORS"
    };
    format!("`{status}` `{}`{readable}", String::from_utf8_lossy(body))
}

// ANCHOR: own_answers
/// What each door answers itself, when no function answers: the table chapter 3 shows.
#[tokio::test]
async fn what_each_door_answers_itself() {
    let millis = Duration::from_millis;
    let short_function = Limits {
        function_timeout: millis(50),
        integration_timeout: millis(5_000),
    };
    let short_door = Limits {
        function_timeout: millis(5_000),
        integration_timeout: millis(50),
    };
    let gateway = |door: Door, limits: Limits| {
        LocalApiGateway::for_backend(misbehaving_function())
            .with_door(door)
            .with_limits(limits)
    };
    let mut rows: Vec<(&str, Vec<String>)> = Vec::new();
    let mut row = |what, cells| rows.push((what, cells));

    let mut cells = Vec::new();
    for door in Door::ALL {
        cells.push(match door {
            Door::FunctionUrl => "every path reaches the function".to_owned(),
            _ => {
                let routed = LocalApiGateway::new(seeded_blog().await).with_door(door);
                let answer = routed.handle(get(door, "/nowhere"), "127.0.0.1").await;
                cell(answer.status().as_u16(), answer.headers(), answer.body())
            }
        });
    }
    row("a path no route matches (`/nowhere`)", cells);

    for (what, path, limits) in [
        ("the function returns an error", "/fail", short_function),
        (
            "the function answers more than 6 MB",
            "/big",
            short_function,
        ),
        (
            "the function runs past its timeout",
            "/hang",
            short_function,
        ),
        ("the door stops waiting first", "/hang", short_door),
    ] {
        let mut cells = Vec::new();
        for door in Door::ALL {
            let waits = door.integration_timeout().is_some();
            cells.push(if limits == short_door && !waits {
                "never: it waits as long as the function may run".to_owned()
            } else {
                let answer = gateway(door, limits)
                    .handle(get(door, path), "127.0.0.1")
                    .await;
                cell(answer.status().as_u16(), answer.headers(), answer.body())
            });
        }
        row(what, cells);
    }

    let mut cells = Vec::new();
    for door in Door::ALL {
        let address = gateway(door, short_function)
            .start_on_loopback()
            .await
            .unwrap();
        let body = vec![b'x'; door.max_request_body() + 1];
        let answer = send(address, "POST", &target(door, "/fail"), &[], &body)
            .await
            .unwrap();
        let mut headers = ch01_blog_core::http::HeaderMap::new();
        for (name, value) in &answer.headers {
            headers.insert(
                ch01_blog_core::http::HeaderName::try_from(name.as_str()).unwrap(),
                value.parse().unwrap(),
            );
        }
        cells.push(format!(
            "over {} MB: {}",
            door.max_request_body() / (1024 * 1024),
            cell(answer.status, &headers, &answer.body)
        ));
    }
    row("the request body is over the door's limit", cells);

    let mut table = String::from("| when | ");
    table.push_str(&Door::ALL.map(Door::name).join(" | "));
    table.push_str(" |\n|---|---|---|---|\n");
    for (what, cells) in rows {
        table.push_str(&format!("| {what} | {} |\n", cells.join(" | ")));
    }
    insta::assert_snapshot!(table);
}
// ANCHOR_END: own_answers
