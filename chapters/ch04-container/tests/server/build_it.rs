//! Build it, chapter 4: the exercise's test. It is compiled only with the crate's `build-it`
//! feature (`cargo test -p ch04-container --features build-it --test server build_it`), and fails
//! until the reader's change is made.

use ch01_blog_core::http::StatusCode;
use serde_json::json;

use crate::router::{app, call};

/// `GET /version` answers the server's version, so that you can ask a running task which build it
/// runs; like `/health`, it is not part of the blog, and writes no log line.
#[tokio::test]
async fn version_answers_the_servers_version() {
    let (response, body) = call(&app(), "GET", "/version", None, b"").await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "GET /version answered {body}"
    );
    assert_eq!(body, json!({ "version": env!("CARGO_PKG_VERSION") }));
    let (response, _) = call(&app(), "DELETE", "/version", None, b"").await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}
