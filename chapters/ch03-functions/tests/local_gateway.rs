//! The local API Gateway: real HTTP in, the same answers as the fixture path out.

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use base64::Engine as _;
use ch01_blog_core::http::Method;
use ch03_functions::Endpoint::{self, CreatePost, DeletePost, GetPost, GetPosts};
use ch03_functions::local_gateway::{Route, route};
use ch03_functions::translate::to_api_request;
use ch03_functions::{LocalApiGateway, invoke};
use common::{fixture, seeded_blog};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

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

/// Sends one HTTP/1.1 request and reads the whole answer.
async fn send(
    address: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let mut head =
        format!("{method} {target} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(": "))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned()))
        // Added by the HTTP layer, not by the function.
        .filter(|(name, _)| !["date", "content-length", "connection"].contains(&name.as_str()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// The same answer, read from a proxy response JSON.
fn answer_from_proxy(proxy: &Value) -> Answer {
    let headers = proxy["multiValueHeaders"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, values)| (name.clone(), values[0].as_str().unwrap().to_owned()))
        .collect();
    Answer {
        status: proxy["statusCode"].as_u64().unwrap() as u16,
        headers,
        body: proxy["body"].as_str().unwrap_or_default().to_owned(),
    }
}

/// Replays a fixture as the HTTP request a client would have sent to API Gateway.
async fn replay_over_http(address: SocketAddr, event: &Value) -> Answer {
    let mut target = format!("/Prod{}", event["path"].as_str().unwrap());
    if let Some(query) = event["queryStringParameters"].as_object() {
        let pairs: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap()))
            .collect();
        target = format!("{target}?{}", pairs.join("&"));
    }
    let body = match event["body"].as_str() {
        None => Vec::new(),
        Some(text) if event["isBase64Encoded"] == true => base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap(),
        Some(text) => text.as_bytes().to_vec(),
    };
    let content_type = event["headers"]["Content-Type"].as_str();
    let headers: Vec<(&str, &str)> = content_type
        .map(|value| ("content-type", value))
        .into_iter()
        .collect();
    send(
        address,
        event["httpMethod"].as_str().unwrap(),
        &target,
        &headers,
        &body,
    )
    .await
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
        let mut expected = answer_from_proxy(&through_fixture);
        let mut actual = replay_over_http(start_gateway().await, &event).await;
        // The gateway adds its own request id; everything else must match.
        assert!(
            actual.headers.remove("x-amzn-requestid").is_some(),
            "{name}"
        );
        expected.headers.remove("x-amzn-requestid");
        assert_eq!(actual, expected, "{name}");
    }
}

#[tokio::test]
async fn the_event_the_gateway_builds_reads_like_the_fixture() {
    let gateway = LocalApiGateway::new(seeded_blog().await);
    let request = ch01_blog_core::http::Request::builder()
        .method("POST")
        .uri("/Prod/blog")
        .header("content-type", "application/json")
        .body(bytes::Bytes::from(
            fixture("create-post")["body"].as_str().unwrap().to_owned(),
        ))
        .unwrap();
    let event = gateway.proxy_event(&request, "/blog", None, "127.0.0.1", "test-1");
    assert_eq!(event["path"], "/blog");
    assert_eq!(event["requestContext"]["path"], "/Prod/blog");
    assert_eq!(event["requestContext"]["stage"], "Prod");
    assert_eq!(
        event["multiValueHeaders"]["content-type"][0],
        "application/json"
    );
    let built = lambda_http::request::from_str(&event.to_string()).unwrap();
    let from_fixture = lambda_http::request::from_str(&fixture("create-post").to_string()).unwrap();
    let (built, from_fixture) = (to_api_request(&built), to_api_request(&from_fixture));
    assert_eq!(built.method, from_fixture.method);
    assert_eq!(built.body, from_fixture.body);
    assert_eq!(built.content_type, from_fixture.content_type);
    assert_eq!(built.id, from_fixture.id);
}

#[tokio::test]
async fn api_gateway_answers_unrouted_paths_with_403_missing_authentication_token() {
    let address = start_gateway().await;
    for target in ["/Prod/posts", "/blog", "/Prod/blog/a/b", "/Dev/blog"] {
        let answer = send(address, "GET", target, &[], b"").await;
        assert_eq!(answer.status, 403, "{target}");
        assert_eq!(answer.body, r#"{"message":"Missing Authentication Token"}"#);
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
    let preflight = send(address, "OPTIONS", "/Prod/blog", &[], b"").await;
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.headers["access-control-allow-origin"], "*");
    let put = send(address, "PUT", "/Prod/blog/hello", &[], b"").await;
    assert_eq!(put.status, 405);
    assert_eq!(put.headers["allow"], "GET, DELETE, OPTIONS");
    assert_eq!(
        serde_json::from_str::<Value>(&put.body).unwrap()["code"],
        "method_not_allowed"
    );
}

#[tokio::test]
async fn a_post_created_over_http_is_listed_and_deleted_over_http() {
    let address = start_gateway().await;
    let created = send(
        address,
        "POST",
        "/Prod/blog",
        &[("content-type", "application/json")],
        br#"{"id":"via-http","title":"T","author":"A","contents":"C"}"#,
    )
    .await;
    assert_eq!(created.status, 201);
    assert_eq!(created.headers["location"], "/blog/via-http");
    let listed = send(address, "GET", "/Prod/blog?limit=1", &[], b"").await;
    let listed: Value = serde_json::from_str(&listed.body).unwrap();
    assert_eq!(listed["posts"][0]["id"], "via-http");
    assert_eq!(
        send(address, "DELETE", "/Prod/blog/via-http", &[], b"")
            .await
            .status,
        204
    );
    assert_eq!(
        send(address, "GET", "/Prod/blog/via-http", &[], b"")
            .await
            .status,
        404
    );
}
