//! What the tests of every chapter share, in one place, compiled only with the `test-support`
//! feature (the chapters turn it on in their `[dev-dependencies]`): production builds carry none
//! of it.
//!
//! - [`deterministic_blog`] and [`seeded_blog`]: blogs whose clock and ids are fixed, so outputs
//!   are the same on every run and on both backends;
//! - [`JsonBody`]: a response's body as JSON, for assertions;
//! - [`raw_http`]: a tiny HTTP/1.1 client that writes bytes to a socket, for tests that need to
//!   misbehave on purpose or record exactly what went over the wire;
//! - [`svg`]: the few shapes the book's diagrams need, drawn by the tests from the code's values.

pub mod raw_http;
pub mod svg;

use std::sync::Arc;

use http::Method;
use serde::Deserialize as _;

use crate::{ApiRequest, ApiResponse, Blog, MemoryStore, SequentialIds, SteppingClock};

/// A blog on a fresh `MemoryStore` whose clock starts at 2026-01-01T00:00:00Z and moves one
/// second per reading, and whose generated ids are `post-1`, `post-2`, ...
pub fn deterministic_blog() -> Blog {
    Blog::new(Arc::new(MemoryStore::new()))
        .with_clock(SteppingClock::new())
        .with_ids(SequentialIds::default())
}

/// The posts [`seeded_blog`] starts with: `hello` (chosen id), then `post-1` and `post-2`
/// (generated ids).
pub const SEED_POSTS: [&str; 3] = [
    r#"{"id":"hello","title":"Hello","author":"Ada","contents":"The first post"}"#,
    r#"{"title":"Second","author":"Grace","contents":"Another one"}"#,
    r#"{"title":"Third","author":"Edsger","contents":"And one more"}"#,
];

/// A [`deterministic_blog`] holding the three [`SEED_POSTS`]. Every chapter's examples and
/// snapshots start from it, so two backends built on two of these answer byte for byte alike.
pub async fn seeded_blog() -> Blog {
    let blog = deterministic_blog();
    for body in SEED_POSTS {
        let created = blog.create_post(&json_request(Method::POST, body)).await;
        assert_eq!(created.status.as_u16(), 201, "seeding the blog: {body}");
    }
    blog
}

/// A request with a JSON body and `Content-Type: application/json`.
pub fn json_request(method: Method, body: &str) -> ApiRequest {
    ApiRequest {
        method,
        content_type: Some("application/json".into()),
        body: body.as_bytes().to_vec(),
        ..ApiRequest::default()
    }
}

/// A response's body as JSON, for assertions.
pub trait JsonBody {
    /// The body parsed as JSON; `Null` when it is empty. Panics on a body that is not JSON,
    /// which in this API is a failed test.
    fn json_body(&self) -> serde_json::Value;
}

impl JsonBody for ApiResponse {
    fn json_body(&self) -> serde_json::Value {
        parse_json(&self.body)
    }
}

impl JsonBody for raw_http::RawResponse {
    fn json_body(&self) -> serde_json::Value {
        parse_json(&self.body)
    }
}

fn parse_json(body: &[u8]) -> serde_json::Value {
    if body.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(body).unwrap_or_else(|err| {
            panic!(
                "the body is not JSON ({err}): {:?}",
                String::from_utf8_lossy(body)
            )
        })
    }
}

/// Whether an answer has the contract's shape, whatever the request was: a status the contract
/// knows, the headers every answer carries, and a body that is either empty (`204`), an error
/// `{"code", "message"}` with a known code, a post, or a page. `header` looks a header up by name.
pub fn check_contract_shape(
    status: u16,
    header: impl Fn(&str) -> Option<String>,
    body: &[u8],
) -> Result<(), String> {
    const STATUSES: [u16; 12] = [200, 201, 204, 400, 404, 405, 408, 409, 413, 415, 500, 503];
    if !STATUSES.contains(&status) {
        return Err(format!("status {status} is not in the contract"));
    }
    for (name, value) in crate::EVERY_RESPONSE_HEADERS {
        if header(name).as_deref() != Some(value) {
            return Err(format!("{name} is {:?}, not {value:?}", header(name)));
        }
    }
    if status == 204 {
        return if body.is_empty() {
            Ok(())
        } else {
            Err("a 204 with a body".into())
        };
    }
    if header("content-type").as_deref() != Some("application/json") {
        return Err(format!("content-type is {:?}", header("content-type")));
    }
    let json: serde_json::Value =
        serde_json::from_slice(body).map_err(|err| format!("the body is not JSON: {err}"))?;
    if status >= 400 {
        let error = crate::ErrorBody::deserialize(&json)
            .map_err(|err| format!("not an error body ({err}): {json}"))?;
        if !crate::BlogError::CODES.contains(&error.code.as_str()) || error.message.is_empty() {
            return Err(format!("not a contract error: {json}"));
        }
    } else if json.get("posts").is_some() {
        crate::PostPage::deserialize(&json).map_err(|err| format!("not a page ({err}): {json}"))?;
    } else if json.get("status").is_none() {
        crate::Post::deserialize(&json).map_err(|err| format!("not a post ({err}): {json}"))?;
    }
    Ok(())
}
