//! The router in process: every endpoint and every contract error, without a socket.

use std::time::Duration;

use bytes::Bytes;
use ch01_blog_core::BlogPath;
use ch01_blog_core::http::{Request, Response, StatusCode};
use ch01_blog_core::test_support::deterministic_blog;
use ch04_container::router::{App, Route, handle};
use http_body_util::{BodyExt, Full};
use serde_json::{Value, json};

pub(crate) fn app() -> App {
    App {
        blog: deterministic_blog(),
        body_timeout: Duration::from_secs(2),
    }
}

pub(crate) async fn call(
    app: &App,
    method: &str,
    uri: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> (Response<Full<Bytes>>, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let request = request
        .body(Full::new(Bytes::copy_from_slice(body)))
        .unwrap();
    let response = handle(app, request).await;
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    (Response::from_parts(parts, Full::new(bytes)), json)
}

const JSON: Option<&str> = Some("application/json");

/// A request (method, URI, content type, body) and the status and error code it must get.
type Case<'a> = (&'a str, &'a str, Option<&'a str>, &'a [u8], u16, &'a str);
const HELLO: &[u8] = br#"{"title":"Hello","author":"Ada","contents":"First"}"#;

#[test]
fn paths_route_in_code() {
    assert_eq!(Route::of("/blog"), Route::Blog(BlogPath::Collection));
    assert_eq!(
        Route::of("/blog/abc"),
        Route::Blog(BlogPath::Item("abc".into()))
    );
    assert_eq!(
        Route::of("/blog/a%2Db"),
        Route::Blog(BlogPath::Item("a-b".into()))
    );
    assert_eq!(Route::of("/health"), Route::Health);
    for unknown in ["/", "/blog/", "/blog/a/b", "/Prod/blog", "/healthz"] {
        assert_eq!(Route::of(unknown), Route::Unknown, "{unknown}");
    }
}

#[tokio::test]
async fn create_get_list_delete() {
    let app = app();
    let (created, post) = call(&app, "POST", "/blog", JSON, HELLO).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.headers()["location"], "/blog/post-1");
    assert_eq!(post["created_at"], "2026-01-01T00:00:00.000Z");
    let (got, body) = call(&app, "GET", "/blog/post-1", None, b"").await;
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(body, post);
    let (listed, body) = call(&app, "GET", "/blog?limit=5", None, b"").await;
    assert_eq!(listed.status(), StatusCode::OK);
    assert_eq!(body, json!({"posts": [post], "next_cursor": null}));
    let (deleted, body) = call(&app, "DELETE", "/blog/post-1", None, b"").await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(body, Value::Null);
    assert!(deleted.headers().get("content-type").is_none());
}

#[tokio::test]
async fn every_contract_error() {
    let app = app();
    call(
        &app,
        "POST",
        "/blog",
        JSON,
        br#"{"id":"taken","title":"t","author":"a","contents":"c"}"#,
    )
    .await;
    let big = vec![b' '; ch01_blog_core::MAX_BODY_BYTES + 1];
    let cases: [Case; 11] = [
        ("POST", "/blog", JSON, b"{not json", 400, "invalid_json"),
        (
            "POST",
            "/blog",
            JSON,
            br#"{"title":"","author":"a","contents":"c"}"#,
            400,
            "validation_failed",
        ),
        (
            "POST",
            "/blog",
            JSON,
            br#"{"title":"t","author":"a","contents":"c","x":1}"#,
            400,
            "validation_failed",
        ),
        ("POST", "/blog", None, HELLO, 415, "unsupported_media_type"),
        (
            "POST",
            "/blog",
            Some("text/plain"),
            HELLO,
            415,
            "unsupported_media_type",
        ),
        ("POST", "/blog", JSON, &big, 413, "payload_too_large"),
        (
            "POST",
            "/blog",
            JSON,
            br#"{"id":"taken","title":"other","author":"a","contents":"c"}"#,
            409,
            "conflict",
        ),
        ("GET", "/blog?limit=0", None, b"", 400, "bad_request"),
        ("GET", "/blog?cursor=zzz", None, b"", 400, "bad_request"),
        ("GET", "/blog/missing", None, b"", 404, "not_found"),
        ("DELETE", "/blog/missing", None, b"", 404, "not_found"),
    ];
    for (method, uri, content_type, body, status, code) in cases {
        let (response, json) = call(&app, method, uri, content_type, body).await;
        assert_eq!(response.status().as_u16(), status, "{method} {uri}: {json}");
        assert_eq!(json["code"], code, "{method} {uri}");
        assert_eq!(response.headers()["access-control-allow-origin"], "*");
        assert_eq!(response.headers()["content-type"], "application/json");
    }
}

#[tokio::test]
async fn other_methods_are_405_with_allow_and_options_is_a_preflight() {
    let app = app();
    for (uri, allow) in [
        ("/blog", "GET, POST, OPTIONS"),
        ("/blog/x", "GET, DELETE, OPTIONS"),
        ("/health", "GET, OPTIONS"),
    ] {
        let (response, json) = call(&app, "PUT", uri, None, b"").await;
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()["allow"], allow);
        assert_eq!(json["code"], "method_not_allowed");
        let (preflight, _) = call(&app, "OPTIONS", uri, None, b"").await;
        assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            preflight.headers()["access-control-allow-methods"],
            "GET, POST, DELETE, OPTIONS"
        );
    }
}

#[tokio::test]
async fn health_and_unknown_paths() {
    let app = app();
    let (health, json) = call(&app, "GET", "/health", None, b"").await;
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(json, json!({"status": "ok"}));
    let (unknown, json) = call(&app, "GET", "/nothing/here", None, b"").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(json["code"], "not_found");
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_413_without_a_content_length() {
    // No Content-Length: the limit must hold while reading, one chunk at a time.
    let body = Chunks {
        left: ch01_blog_core::MAX_BODY_BYTES / (8 * 1024) + 2,
    };
    let request = Request::builder()
        .method("POST")
        .uri("/blog")
        .header("content-type", "application/json")
        .body(body)
        .unwrap();
    let response = handle(&app(), request).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// A body of `left` chunks of 8 KiB with no declared length, like `Transfer-Encoding: chunked`.
struct Chunks {
    left: usize,
}

impl hyper::body::Body for Chunks {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, std::io::Error>>> {
        if self.left == 0 {
            return std::task::Poll::Ready(None);
        }
        self.left -= 1;
        std::task::Poll::Ready(Some(Ok(hyper::body::Frame::data(Bytes::from(
            vec![b'x'; 8 * 1024],
        )))))
    }
}

/// The id of a request is the `Root` of the load balancer's trace id, when it has the documented
/// shape; anything else a client wrote there is replaced by a random id, never logged as sent.
#[test]
fn the_request_id_is_the_load_balancers_trace_root() {
    use ch01_blog_core::http::HeaderMap;
    use ch04_container::router::request_id;
    let with = |value: &str| {
        let mut headers = HeaderMap::new();
        headers.insert("x-amzn-trace-id", value.parse().unwrap());
        request_id(&headers)
    };
    let root = "1-67891233-abcdef012345678912345678";
    assert_eq!(with(&format!("Root={root}")), root);
    // A client's own Root is kept by the load balancer, which adds `Self` in front.
    assert_eq!(
        with(&format!(
            "Self=1-67891234-12456789abcdef012345678;Root={root}"
        )),
        root
    );
    assert_eq!(
        with(&format!("Root={root};Parent=53995c3f42cd8ad8;Sampled=1")),
        root
    );
    let random = |id: String| uuid::Uuid::parse_str(&id).is_ok();
    assert!(random(with("Root=1-67891233-abcdef\"}{injected")));
    assert!(random(with("Root=2-67891233-abcdef012345678912345678")));
    assert!(random(request_id(&HeaderMap::new())));
}

/// Every answer of the blog carries its request's id; the health check's does not need one.
#[tokio::test]
async fn every_answer_of_the_blog_carries_its_request_id() {
    let app = app();
    let root = "1-67891233-abcdef012345678912345678";
    for (method, uri) in [
        ("GET", "/blog"),
        ("GET", "/blog/missing"),
        ("PUT", "/blog"),
        ("GET", "/nowhere"),
    ] {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header("x-amzn-trace-id", format!("Root={root}"))
            .body(Full::new(Bytes::new()))
            .unwrap();
        let response = handle(&app, request).await;
        assert_eq!(response.headers()["x-request-id"], root, "{method} {uri}");
    }
    let (health, _) = call(&app, "GET", "/health", None, b"").await;
    assert_eq!(health.status(), StatusCode::OK);
    assert!(health.headers().get("x-request-id").is_none());
}
