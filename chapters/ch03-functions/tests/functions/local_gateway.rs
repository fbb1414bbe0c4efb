//! The local API Gateway: real HTTP in, the same answers as the fixture path out.

use crate::common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use base64::Engine as _;
use bytes::Bytes;
use ch01_blog_core::http::{Method, Request};
use ch01_blog_core::test_support::raw_http::{RawResponse, send};
use ch01_blog_core::test_support::{JsonBody, seeded_blog};
use ch03_functions::Endpoint::{self, CreatePost, DeletePost, GetPost, GetPosts};
use ch03_functions::local_gateway::event::{Caller, proxy_event};
use ch03_functions::local_gateway::{Route, route};
use ch03_functions::translate::to_api_request;
use ch03_functions::{LocalApiGateway, STAGE, invoke};
use common::fixture;
use lambda_http::Body;
use lambda_http::aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use tokio::net::TcpListener;

/// A gateway on a free port over a freshly seeded blog.
async fn start_gateway() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let gateway = Arc::new(LocalApiGateway::new(seeded_blog().await));
    tokio::spawn(gateway.serve(listener, std::future::pending()));
    address
}

/// An HTTP answer, reduced to what API Gateway passes on from the function.
#[derive(Debug, PartialEq)]
struct Answer {
    status: u16,
    headers: BTreeMap<String, String>,
    body: String,
}

impl Answer {
    /// Read off the wire, less the headers the HTTP layer adds (not the function).
    fn of_http(response: RawResponse) -> Self {
        let headers = response
            .headers
            .into_iter()
            .filter(|(name, _)| !["date", "content-length", "connection"].contains(&name.as_str()))
            .collect();
        Self {
            status: response.status,
            headers,
            body: String::from_utf8(response.body).unwrap(),
        }
    }

    /// Read from a proxy response.
    fn of_proxy(proxy: ApiGatewayProxyResponse) -> Self {
        let headers = proxy
            .multi_value_headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
            .collect();
        let body = match proxy.body {
            Some(Body::Text(text)) => text,
            _ => String::new(),
        };
        Self {
            status: u16::try_from(proxy.status_code).unwrap(),
            headers,
            body,
        }
    }
}

/// Replays a fixture as the HTTP request a client would have sent to API Gateway.
async fn replay_over_http(address: SocketAddr, event: &ApiGatewayProxyRequest) -> RawResponse {
    let mut target = format!("/{STAGE}{}", event.path.as_deref().unwrap());
    let pairs: Vec<String> = event
        .query_string_parameters
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    if !pairs.is_empty() {
        target = format!("{target}?{}", pairs.join("&"));
    }
    let body = match event.body.as_deref() {
        None => Vec::new(),
        Some(text) if event.is_base64_encoded => base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap(),
        Some(text) => text.as_bytes().to_vec(),
    };
    let headers: Vec<(&str, &str)> = event
        .headers
        .get("content-type")
        .map(|value| ("content-type", value.to_str().unwrap()))
        .into_iter()
        .collect();
    send(
        address,
        event.http_method.as_str(),
        &target,
        &headers,
        &body,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn an_http_round_trip_equals_the_fixture_path() {
    let cases: [(Endpoint, &str); 12] = [
        (GetPosts, "get-posts"),
        (GetPosts, "get-posts-limit"),
        (GetPosts, "get-posts-bad-limit"),
        (CreatePost, "create-post"),
        (CreatePost, "create-post-base64"),
        (CreatePost, "create-post-no-content-type"),
        (CreatePost, "create-post-invalid-json"),
        (CreatePost, "create-post-existing-id"),
        (CreatePost, "create-post-too-large"),
        (GetPost, "get-post"),
        (DeletePost, "delete-post"),
        (DeletePost, "delete-post-missing"),
    ];
    for (endpoint, name) in cases {
        let event = fixture(name);
        let through_fixture = invoke(&seeded_blog().await, endpoint, event.clone())
            .await
            .unwrap();
        let mut expected = Answer::of_proxy(through_fixture);
        let mut actual = Answer::of_http(replay_over_http(start_gateway().await, &event).await);
        // Each request has its own id: the fixture's, and the one the gateway made up. On a REST
        // API the function's `x-request-id` is the gateway's own `x-amzn-RequestId`.
        let gateway_id = actual.headers.remove("x-amzn-requestid");
        let function_id = actual.headers.remove("x-request-id");
        assert!(gateway_id.is_some(), "{name}");
        assert_eq!(function_id, gateway_id, "{name}");
        assert_eq!(
            expected.headers.remove("x-request-id").as_deref(),
            event.request_context.request_id.as_deref(),
            "{name}"
        );
        assert_eq!(actual, expected, "{name}");
    }
}

#[tokio::test]
async fn the_event_the_gateway_builds_reads_like_the_fixture() {
    let from_fixture = fixture("create-post");
    let request = Request::builder()
        .method("POST")
        .uri("/Prod/blog")
        .header("content-type", "application/json")
        .body(Bytes::from(from_fixture.body.clone().unwrap()))
        .unwrap();
    let caller = Caller {
        source_ip: "127.0.0.1",
        request_id: "test-1",
    };
    let event = proxy_event(&request, STAGE, "/blog", None, &caller);
    assert_eq!(event.path.as_deref(), Some("/blog"));
    assert_eq!(event.request_context.path.as_deref(), Some("/Prod/blog"));
    assert_eq!(event.request_context.stage.as_deref(), Some("Prod"));
    assert_eq!(
        event.multi_value_headers["content-type"],
        "application/json"
    );
    // The JSON the gateway would send parses in a function exactly like the fixture does.
    let parse = |event: &ApiGatewayProxyRequest| {
        let json = serde_json::to_string(event).unwrap();
        to_api_request(&lambda_http::request::from_str(&json).unwrap())
    };
    let (built, from_fixture) = (parse(&event), parse(&from_fixture));
    assert_eq!(built.method, from_fixture.method);
    assert_eq!(built.body, from_fixture.body);
    assert_eq!(built.content_type, from_fixture.content_type);
    assert_eq!(built.id, from_fixture.id);
}

#[tokio::test]
async fn api_gateway_answers_unrouted_paths_with_403_missing_authentication_token() {
    let address = start_gateway().await;
    for target in [
        "/Prod/posts",
        "/blog",
        "/Prod/blog/a/b",
        "/Dev/blog",
        "/Prod",
        "/Prodblog",
    ] {
        let answer = send(address, "GET", target, &[], b"").await.unwrap();
        assert_eq!(answer.status, 403, "{target}");
        assert_eq!(
            answer.body,
            br#"{"message":"Missing Authentication Token"}"#
        );
        assert_eq!(
            answer.headers["x-amzn-errortype"],
            "MissingAuthenticationTokenException"
        );
    }
}

#[tokio::test]
async fn preflight_and_other_methods_are_answered_without_a_function() {
    assert_eq!(route(&Method::OPTIONS, "/blog"), Route::Preflight);
    assert_eq!(
        route(&Method::PUT, "/blog/x"),
        Route::MethodNotAllowed {
            allow: "GET, DELETE, OPTIONS"
        }
    );
    assert_eq!(
        route(&Method::GET, "/blog/a%2Db"),
        Route::Function {
            endpoint: GetPost,
            resource: "/blog/{id}",
            id: Some("a-b".into())
        }
    );
    let address = start_gateway().await;
    let preflight = send(address, "OPTIONS", "/Prod/blog", &[], b"")
        .await
        .unwrap();
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.headers["access-control-allow-origin"], "*");
    let put = send(address, "PUT", "/Prod/blog/hello", &[], b"")
        .await
        .unwrap();
    assert_eq!(put.status, 405);
    assert_eq!(put.headers["allow"], "GET, DELETE, OPTIONS");
    assert_eq!(put.json_body()["code"], "method_not_allowed");
}

#[tokio::test]
async fn a_body_that_is_not_json_sent_to_a_mock_is_api_gateways_415() {
    let address = start_gateway().await;
    let text = ("content-type", "text/plain");
    for (method, path) in [("PUT", "/Prod/blog"), ("OPTIONS", "/Prod/blog/hello")] {
        let refused = send(address, method, path, &[text], b"hello")
            .await
            .unwrap();
        assert_eq!(refused.status, 415, "{method} {path}");
        assert_eq!(refused.json_body()["code"], "unsupported_media_type");
        assert_eq!(refused.headers["access-control-allow-origin"], "*");
    }
    // A JSON body, no body, or no Content-Type (read as JSON) reach the mock.
    let json = ("content-type", "application/json; charset=utf-8");
    for (headers, body) in [
        (&[json][..], &b"{}"[..]),
        (&[text][..], b""),
        (&[][..], b"hello"),
    ] {
        let put = send(address, "PUT", "/Prod/blog", headers, body)
            .await
            .unwrap();
        assert_eq!(put.status, 405, "{headers:?}");
    }
}

#[tokio::test]
async fn a_post_created_over_http_is_listed_and_deleted_over_http() {
    let address = start_gateway().await;
    let send = |method: &'static str, target: &'static str, body: &'static [u8]| async move {
        let headers: &[(&str, &str)] = if body.is_empty() {
            &[]
        } else {
            &[("content-type", "application/json")]
        };
        send(address, method, target, headers, body).await.unwrap()
    };
    let created = send(
        "POST",
        "/Prod/blog",
        br#"{"id":"via-http","title":"T","author":"A","contents":"C"}"#,
    )
    .await;
    assert_eq!(created.status, 201);
    assert_eq!(created.headers["location"], "/blog/via-http");
    let listed = send("GET", "/Prod/blog?limit=1", b"").await;
    assert_eq!(listed.json_body()["posts"][0]["id"], "via-http");
    assert_eq!(send("DELETE", "/Prod/blog/via-http", b"").await.status, 204);
    assert_eq!(send("GET", "/Prod/blog/via-http", b"").await.status, 404);
}

#[tokio::test]
async fn a_function_answer_over_6_mb_is_api_gateways_502() {
    use ch03_functions::local_gateway::{LAMBDA_MAX_RESPONSE_BYTES, answer_from_payload};
    let proxy = |body: String| {
        serde_json::to_vec(&serde_json::json!({
            "statusCode": 200,
            "headers": {},
            "multiValueHeaders": {"content-type": ["application/json"]},
            "body": body,
            "isBase64Encoded": false,
        }))
        .unwrap()
    };
    let fits = proxy("x".repeat(LAMBDA_MAX_RESPONSE_BYTES - 200));
    assert!(fits.len() <= LAMBDA_MAX_RESPONSE_BYTES);
    assert_eq!(answer_from_payload(&fits).status(), 200);
    let over = proxy("x".repeat(LAMBDA_MAX_RESPONSE_BYTES));
    let answer = answer_from_payload(&over);
    assert_eq!(answer.status(), 502);
    assert_eq!(
        answer.body().as_ref(),
        br#"{"message":"Internal server error"}"#
    );
    // As the stack configures API Gateway's gateway responses: readable by the demo page.
    assert_eq!(answer.headers()["access-control-allow-origin"], "*");
    assert_eq!(answer.headers()["x-content-type-options"], "nosniff");
    assert_eq!(answer_from_payload(b"not json").status(), 502);
}

/// What `cargo run -p ch03-functions --bin local-api-gateway` prints, with the default port.
#[test]
fn the_startup_lines_with_the_default_port() {
    use ch03_functions::local_gateway::{DEFAULT_PORT, startup_lines};
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT));
    insta::assert_snapshot!(startup_lines(ch02_dynamodb::StoreChoice::Memory, address));
}
