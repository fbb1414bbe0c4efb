//! The one function, invoked in-process the way the Lambda runtime invokes it, with the event
//! API Gateway sends for `ANY /{proxy+}`.

use std::sync::Arc;

use bytes::Bytes;
use ch01_blog_core::http::Request;
use ch01_blog_core::{Blog, MemoryStore};
use ch03_functions::STAGE;
use ch03_functions::local_gateway::event::{Caller, greedy_proxy_event};
use ch04_container::router::App;
use ch10_between::{BODY_TIMEOUT, invoke};
use lambda_http::Body;
use lambda_http::aws_lambda_events::apigw::ApiGatewayProxyRequest;

pub(crate) fn app() -> App {
    App {
        blog: Blog::new(Arc::new(MemoryStore::new())),
        body_timeout: BODY_TIMEOUT,
    }
}

/// The event API Gateway sends for `method target` (a path below the stage) on `/{proxy+}`:
/// the greedy path parameter holds the whole path without its first `/`.
pub(crate) fn event(method: &str, target: &str, body: &str) -> ApiGatewayProxyRequest {
    let request = Request::builder()
        .method(method)
        .uri(format!("/{STAGE}{target}"))
        .header("content-type", "application/json")
        .body(Bytes::from(body.to_owned()))
        .expect("a request");
    let caller = Caller {
        source_ip: "198.51.100.7",
        request_id: "between",
    };
    greedy_proxy_event(&request, STAGE, &caller).expect("a path below the stage")
}

async fn call(app: &App, method: &str, target: &str, body: &str) -> (i64, serde_json::Value) {
    let answer = invoke(app, event(method, target, body))
        .await
        .expect("the function answers");
    // A `204` comes back with an empty body.
    let json = match answer.body {
        Some(Body::Text(text)) if !text.is_empty() => {
            serde_json::from_str(&text).unwrap_or_else(|err| panic!("{method} {target}: {err}"))
        }
        _ => serde_json::Value::Null,
    };
    (answer.status_code, json)
}

#[tokio::test]
async fn one_function_serves_every_route() {
    let app = app();
    let post = r#"{"title":"One","author":"Ada","contents":"Every route, one function"}"#;
    let (status, created) = call(&app, "POST", "/blog", post).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().expect("an id").to_owned();

    let (status, read) = call(&app, "GET", &format!("/blog/{id}"), "").await;
    assert_eq!((status, &read), (200, &created));

    let (status, page) = call(&app, "GET", "/blog?limit=1", "").await;
    assert_eq!(status, 200);
    assert_eq!(page["posts"][0], created);

    let (status, _) = call(&app, "DELETE", &format!("/blog/{id}"), "").await;
    assert_eq!(status, 204);
    let (status, gone) = call(&app, "GET", &format!("/blog/{id}"), "").await;
    assert_eq!((status, gone["code"].as_str()), (404, Some("not_found")));
}

#[tokio::test]
async fn paths_api_gateway_would_refuse_reach_the_router() {
    // Behind `{proxy+}` every path reaches the function: the router, not API Gateway, answers
    // a path the API does not have (the four functions' API answers 403 itself).
    let app = app();
    let (status, body) = call(&app, "GET", "/nothing/here", "").await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    let (status, body) = call(&app, "PUT", "/blog", "{}").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (405, Some("method_not_allowed"))
    );
}

#[test]
fn what_reaches_the_router() {
    let mut event = event("GET", "/blog/42?limit=1", "");
    event.request_context.request_time_epoch = 0;
    let request: lambda_http::Request =
        lambda_http::request::LambdaRequest::ApiGatewayV1(event.clone()).into();
    let seen_by_lambda_http = request.uri().to_string();
    let routed = ch10_between::for_the_router(request).expect("a request the router reads");
    insta::assert_json_snapshot!(serde_json::json!({
        "event (as API Gateway sends it)": {
            "resource": event.resource,
            "path": event.path,
            "pathParameters": event.path_parameters,
            "requestContext.stage": event.request_context.stage,
        },
        "the URI lambda_http builds": seen_by_lambda_http,
        "what the router reads": {
            "method": routed.method().as_str(),
            "uri": routed.uri().to_string(),
        },
    }));
}

#[test]
fn the_startup_lines_with_the_default_port() {
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], ch10_between::DEFAULT_PORT));
    insta::assert_snapshot!(ch03_functions::local_gateway::startup_lines_for(
        ch10_between::URL_OUTPUT,
        ch03_functions::local_gateway::Door::RestApi,
        ch02_dynamodb::StoreChoice::Memory,
        address
    ));
}
