//! A tour of the blog's core with no HTTP server and no database: requests go straight into the
//! operations and the responses come straight back.
//!
//! Run it with `cargo run -p ch01-blog-core --example tour`. The clock and the ids are fixed, so
//! every run prints the same thing (the book shows this output from a test snapshot).

use std::fmt::Write as _;
use std::sync::Arc;

use ch01_blog_core::http::Method;
use ch01_blog_core::test_support::json_request;
use ch01_blog_core::{ApiRequest, ApiResponse, Blog, MemoryStore, SequentialIds, SteppingClock};

#[tokio::main]
async fn main() {
    print!("{}", tour().await);
}

// ANCHOR: tour
/// Runs a few requests through the operations and returns what a terminal would show.
pub async fn tour() -> String {
    let blog = Blog::new(Arc::new(MemoryStore::new()))
        .with_clock(SteppingClock::new())
        .with_ids(SequentialIds::default());
    let list = ApiRequest {
        query: vec![("limit".into(), "1".into())],
        ..ApiRequest::default()
    };
    let requests = [
        (
            "POST /blog",
            json_request(
                Method::POST,
                r#"{"title":"Hello","author":"Ada","contents":"First post"}"#,
            ),
        ),
        (
            "POST /blog",
            json_request(
                Method::POST,
                r#"{"id":"second","title":"Again","author":"Ada","contents":"More"}"#,
            ),
        ),
        (
            "POST /blog (same id)",
            json_request(
                Method::POST,
                r#"{"id":"second","title":"Other","author":"Bo","contents":"x"}"#,
            ),
        ),
        (
            "POST /blog (empty title)",
            json_request(
                Method::POST,
                r#"{"title":"","author":"Ada","contents":"x"}"#,
            ),
        ),
        ("GET /blog?limit=1", list),
        ("GET /blog/post-1", on_item(Method::GET, "post-1")),
        ("DELETE /blog/post-1", on_item(Method::DELETE, "post-1")),
        ("GET /blog/post-1", on_item(Method::GET, "post-1")),
        ("PUT /blog/post-1", on_item(Method::PUT, "post-1")),
    ];
    let mut out = String::new();
    for (label, request) in requests {
        show(&mut out, label, &blog.handle(&request).await);
    }
    out
}
// ANCHOR_END: tour

fn on_item(method: Method, id: &str) -> ApiRequest {
    ApiRequest {
        method,
        id: Some(id.into()),
        ..ApiRequest::default()
    }
}

/// Prints the status, the headers a reader cares about (not the CORS ones), and the body.
fn show(out: &mut String, request: &str, response: &ApiResponse) {
    writeln!(out, "> {request}").unwrap();
    write!(out, "< {}", response.status).unwrap();
    for name in ["location", "allow"] {
        if let Some(value) = response.header(name) {
            write!(out, "  {name}: {value}").unwrap();
        }
    }
    writeln!(out).unwrap();
    if !response.body.is_empty() {
        writeln!(out, "{}", String::from_utf8_lossy(&response.body)).unwrap();
    }
    writeln!(out).unwrap();
}
