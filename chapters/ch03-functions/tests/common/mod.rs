//! What the test files of this crate share: the fixtures and a blog seeded the same way each time.

use std::sync::Arc;

use ch01_blog_core::http::Method;
use ch01_blog_core::{ApiRequest, Blog, MemoryStore, SequentialIds, SteppingClock};
use serde_json::Value;

/// A fixture event from `tests/fixtures/`.
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"));
    serde_json::from_str(&text).expect("fixtures are JSON")
}

/// A blog with a fixed clock and ids, holding the post `hello` and two more.
pub async fn seeded_blog() -> Blog {
    let blog = Blog::new(Arc::new(MemoryStore::new()))
        .with_clock(SteppingClock::new())
        .with_ids(SequentialIds::default());
    for body in [
        r#"{"id":"hello","title":"Hello","author":"Ada","contents":"The first post"}"#,
        r#"{"title":"Second","author":"Ada","contents":"Another"}"#,
        r#"{"title":"Third","author":"Grace","contents":"And one more"}"#,
    ] {
        let request = ApiRequest {
            method: Method::POST,
            content_type: Some("application/json".into()),
            body: body.as_bytes().to_vec(),
            ..ApiRequest::default()
        };
        assert_eq!(blog.create_post(&request).await.status.as_u16(), 201);
    }
    blog
}
