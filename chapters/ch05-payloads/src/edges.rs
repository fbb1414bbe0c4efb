//! AWS's limits, as the tests of later chapters meet them too: a store slow enough to outlast a
//! time limit, a body of a given size, and what a client sees of an answer.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use ch01_blog_core::test_support::JsonBody;
use ch01_blog_core::test_support::raw_http::RawResponse;
use ch01_blog_core::{Blog, BlogError, Cursor, MemoryStore, Page, Post, PostStore};

/// A JSON body's content type, as a header.
pub const JSON: (&str, &str) = ("content-type", "application/json");
/// A megabyte as AWS counts its limits.
pub const MB: usize = 1024 * 1024;

/// A memory store whose reads take `delay`: a store slow enough to outlast a time limit.
#[derive(Debug)]
pub struct SlowStore {
    inner: MemoryStore,
    delay: Duration,
}

#[async_trait]
impl PostStore for SlowStore {
    async fn create(&self, post: &Post) -> Result<Post, BlogError> {
        self.inner.create(post).await
    }
    async fn get(&self, id: &str) -> Result<Post, BlogError> {
        // The fault this row models is time itself: the answer comes, late.
        tokio::time::sleep(self.delay).await;
        self.inner.get(id).await
    }
    async fn list(&self, limit: usize, after: Option<&Cursor>) -> Result<Page, BlogError> {
        self.inner.list(limit, after).await
    }
    async fn delete(&self, id: &str) -> Result<(), BlogError> {
        self.inner.delete(id).await
    }
}

/// A blog on a store whose reads take half a second.
pub fn slow_blog() -> Blog {
    Blog::new(Arc::new(SlowStore {
        inner: MemoryStore::new(),
        delay: Duration::from_millis(500),
    }))
}

/// A create whose JSON body is `bytes` long.
pub fn body_of(bytes: usize) -> Vec<u8> {
    let head = br#"{"id":"big","title":"Big","author":"Ada","contents":""#;
    let tail = br#""}"#;
    let mut body = head.to_vec();
    body.resize(bytes - tail.len(), b'a');
    body.extend_from_slice(tail);
    body
}

/// What a client sees: the status, and the error's code (ours) or message (API Gateway's), or
/// for a page how many posts it holds and how large it is.
pub fn seen(answer: &RawResponse) -> String {
    let mut seen = answer.status.to_string();
    let body = answer.json_body();
    if let Some(code) = body["code"].as_str() {
        write!(seen, " `{code}`").expect("writing to a String");
    } else if let Some(message) = body["message"].as_str() {
        write!(seen, " \"{message}\"").expect("writing to a String");
    } else if let Some(posts) = body["posts"].as_array() {
        let size = answer.body.len() as f64 / MB as f64;
        write!(seen, ", {} posts, {size:.1} MB", posts.len()).expect("writing to a String");
    }
    seen
}

/// `7 MB`, `300 KiB`: as the table says it.
pub fn show_size(bytes: usize) -> String {
    if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else {
        format!("{} KiB", bytes / 1024)
    }
}
