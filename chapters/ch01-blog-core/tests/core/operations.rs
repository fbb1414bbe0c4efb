//! The HTTP contract at the level of the framework-free operations: statuses, bodies, headers.

use std::fmt::Write as _;
use std::sync::Arc;

use async_trait::async_trait;
use ch01_blog_core::http::{Method, StatusCode};
use ch01_blog_core::test_support::{JsonBody, deterministic_blog as blog};
use ch01_blog_core::{
    ApiRequest, ApiResponse, Blog, BlogError, Cursor, MAX_BODY_BYTES, Page, Post, PostStore,
};
use serde_json::{Value, json};

fn create(body: impl Into<Vec<u8>>) -> ApiRequest {
    ApiRequest {
        method: Method::POST,
        content_type: Some("application/json".into()),
        body: body.into(),
        ..ApiRequest::default()
    }
}

fn item(method: Method, id: &str) -> ApiRequest {
    ApiRequest {
        method,
        id: Some(id.into()),
        ..ApiRequest::default()
    }
}

pub(crate) fn list(query: &[(&str, &str)]) -> ApiRequest {
    ApiRequest {
        query: query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..ApiRequest::default()
    }
}

const HELLO: &str = r#"{"title":"Hello","author":"Ada","contents":"First post"}"#;

fn assert_error(response: &ApiResponse, status: StatusCode, code: &str) {
    assert_eq!(response.status, status, "{:?}", response.json_body());
    assert_eq!(response.json_body()["code"], code);
    let message = response.json_body()["message"].as_str().unwrap().to_owned();
    assert!(!message.is_empty());
}

#[tokio::test]
async fn create_returns_201_with_location_and_the_stored_post() {
    let blog = blog();
    let response = blog.handle(&create(HELLO)).await;
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.header("location"), Some("/blog/post-1"));
    let expected = json!({
        "id": "post-1", "title": "Hello", "author": "Ada", "contents": "First post",
        "created_at": "2026-01-01T00:00:00.000Z"
    });
    assert_eq!(response.json_body(), expected);
    let fetched = blog.handle(&item(Method::GET, "post-1")).await;
    assert_eq!(fetched.status, StatusCode::OK);
    assert_eq!(fetched.json_body(), expected);
}

#[tokio::test]
async fn create_keeps_a_client_chosen_id() {
    let response = blog()
        .handle(&create(
            r#"{"id":"my-id","title":"t","author":"a","contents":"c"}"#,
        ))
        .await;
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.json_body()["id"], "my-id");
}

#[tokio::test]
async fn content_type_parameters_and_case_are_accepted() {
    let blog = blog();
    for content_type in ["application/json; charset=utf-8", "Application/JSON"] {
        let mut request = create(HELLO);
        request.content_type = Some(content_type.into());
        assert_eq!(blog.handle(&request).await.status, StatusCode::CREATED);
    }
}

#[tokio::test]
async fn create_without_json_content_type_is_415() {
    for content_type in [None, Some("text/plain"), Some("application/jsonx")] {
        let mut request = create(HELLO);
        request.content_type = content_type.map(str::to_owned);
        let response = blog().handle(&request).await;
        assert_error(
            &response,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        );
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_and_nothing_is_stored() {
    let blog = blog();
    let contents = "x".repeat(MAX_BODY_BYTES);
    let body = json!({"title": "t", "author": "a", "contents": contents}).to_string();
    let response = blog.handle(&create(body)).await;
    assert_error(
        &response,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
    assert!(blog.store().list(10, None).await.unwrap().posts.is_empty());
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_passes_the_size_check() {
    let overhead = r#"{"title":"t","author":"a","contents":""}"#.len();
    let contents = "x".repeat(MAX_BODY_BYTES - overhead);
    let body = json!({"title": "t", "author": "a", "contents": contents}).to_string();
    assert_eq!(body.len(), MAX_BODY_BYTES);
    // That many ASCII characters are over the 50,000-character limit: the body limit is not the
    // only rule, the field limits still apply.
    let response = blog().handle(&create(body)).await;
    assert_error(&response, StatusCode::BAD_REQUEST, "validation_failed");
}

#[tokio::test]
async fn broken_json_is_invalid_json_and_a_wrong_shape_is_validation_failed() {
    let blog = blog();
    assert_error(
        &blog.handle(&create("{not json")).await,
        StatusCode::BAD_REQUEST,
        "invalid_json",
    );
    assert_error(
        &blog.handle(&create("")).await,
        StatusCode::BAD_REQUEST,
        "invalid_json",
    );
    let unknown = r#"{"title":"t","author":"a","contents":"c","tags":[]}"#;
    let response = blog.handle(&create(unknown)).await;
    assert_error(&response, StatusCode::BAD_REQUEST, "validation_failed");
    let server_field =
        r#"{"title":"t","author":"a","contents":"c","created_at":"2020-01-01T00:00:00Z"}"#;
    let response = blog.handle(&create(server_field)).await;
    assert_error(&response, StatusCode::BAD_REQUEST, "validation_failed");
    assert!(blog.store().list(10, None).await.unwrap().posts.is_empty());
}

#[tokio::test]
async fn a_duplicate_id_is_409_and_the_first_post_is_kept() {
    let blog = blog();
    let first = r#"{"id":"x","title":"First","author":"a","contents":"c"}"#;
    let second = r#"{"id":"x","title":"Second","author":"a","contents":"c"}"#;
    assert_eq!(
        blog.handle(&create(first)).await.status,
        StatusCode::CREATED
    );
    assert_error(
        &blog.handle(&create(second)).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    let kept = blog.handle(&item(Method::GET, "x")).await;
    assert_eq!(kept.json_body()["title"], "First");
}

#[tokio::test]
async fn get_and_delete_of_a_missing_or_impossible_id_are_404() {
    let blog = blog();
    for id in ["missing", "not/valid", ""] {
        assert_error(
            &blog.handle(&item(Method::GET, id)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
        assert_error(
            &blog.handle(&item(Method::DELETE, id)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
}

#[tokio::test]
async fn delete_is_204_with_no_body_and_no_content_type() {
    let blog = blog();
    blog.handle(&create(HELLO)).await;
    let response = blog.handle(&item(Method::DELETE, "post-1")).await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    assert!(response.body.is_empty());
    assert_eq!(response.header("content-type"), None);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        blog.handle(&item(Method::GET, "post-1")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn list_is_newest_first_with_a_cursor_to_the_next_page() {
    let blog = blog();
    for _ in 0..3 {
        blog.handle(&create(HELLO)).await;
    }
    let first = blog.handle(&list(&[("limit", "2")])).await;
    assert_eq!(first.status, StatusCode::OK);
    let body = first.json_body();
    let ids: Vec<&str> = body["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["post-3", "post-2"]);
    let cursor = body["next_cursor"].as_str().unwrap();
    let second = blog
        .handle(&list(&[("limit", "2"), ("cursor", cursor)]))
        .await;
    let body = second.json_body();
    assert_eq!(body["posts"][0]["id"], "post-1");
    assert_eq!(body["next_cursor"], Value::Null);
}

#[tokio::test]
async fn list_defaults_to_20_posts() {
    let blog = blog();
    for _ in 0..25 {
        blog.handle(&create(HELLO)).await;
    }
    let body = blog.handle(&list(&[])).await.json_body();
    assert_eq!(body["posts"].as_array().unwrap().len(), 20);
    assert!(body["next_cursor"].is_string());
}

#[tokio::test]
async fn a_bad_limit_or_cursor_is_400() {
    let blog = blog();
    for limit in ["0", "101", "-1", "ten", "1.5", ""] {
        let response = blog.handle(&list(&[("limit", limit)])).await;
        assert_error(&response, StatusCode::BAD_REQUEST, "bad_request");
    }
    assert_eq!(
        blog.handle(&list(&[("limit", "100")])).await.status,
        StatusCode::OK
    );
    let response = blog.handle(&list(&[("cursor", "garbage!")])).await;
    assert_error(&response, StatusCode::BAD_REQUEST, "bad_request");
}

#[tokio::test]
async fn options_is_a_204_preflight_and_other_methods_are_405_with_allow() {
    let blog = blog();
    for request in [list(&[]), item(Method::GET, "x")] {
        let mut preflight = request.clone();
        preflight.method = Method::OPTIONS;
        let response = blog.handle(&preflight).await;
        assert_eq!(response.status, StatusCode::NO_CONTENT);
        assert_eq!(
            response.header("access-control-allow-methods"),
            Some("GET, POST, DELETE, OPTIONS")
        );
        assert_eq!(response.header("access-control-max-age"), Some("600"));
    }
    let response = blog.handle(&item(Method::PUT, "x")).await;
    assert_error(
        &response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
    assert_eq!(response.header("allow"), Some("GET, DELETE, OPTIONS"));
    let mut patch = list(&[]);
    patch.method = Method::PATCH;
    assert_eq!(
        blog.handle(&patch).await.header("allow"),
        Some("GET, POST, OPTIONS")
    );
}

/// A store that is always down, as DynamoDB is when throttled or unreachable.
struct DownStore;

#[async_trait]
impl PostStore for DownStore {
    async fn create(&self, _: &Post) -> Result<Post, BlogError> {
        Err(down())
    }
    async fn get(&self, _: &str) -> Result<Post, BlogError> {
        Err(down())
    }
    async fn list(&self, _: usize, _: Option<&Cursor>) -> Result<Page, BlogError> {
        Err(down())
    }
    async fn delete(&self, _: &str) -> Result<(), BlogError> {
        Err(down())
    }
}

fn down() -> BlogError {
    BlogError::StoreUnavailable {
        detail: "secret connection detail".into(),
    }
}

#[tokio::test]
async fn a_store_failure_is_503_without_internal_details() {
    let blog = Blog::new(Arc::new(DownStore));
    for request in [
        create(HELLO),
        list(&[]),
        item(Method::GET, "x"),
        item(Method::DELETE, "x"),
    ] {
        let response = blog.handle(&request).await;
        assert_error(
            &response,
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
        );
        assert!(!String::from_utf8_lossy(&response.body).contains("secret"));
    }
}

/// Every error the API can answer with, as one table: the ch01 page includes this snapshot.
#[tokio::test]
async fn every_error_response() {
    let blog = blog();
    blog.handle(&create(
        r#"{"id":"taken","title":"t","author":"a","contents":"c"}"#,
    ))
    .await;
    let mut no_type = create(HELLO);
    no_type.content_type = None;
    let huge = create(vec![b' '; MAX_BODY_BYTES + 1]);
    let cases: Vec<(&str, ApiRequest)> = vec![
        ("POST /blog  {\"title\": ", create(r#"{"title": "#)),
        (
            "POST /blog  (title too long)",
            create(json!({"title": "t".repeat(201), "author": "a", "contents": "c"}).to_string()),
        ),
        (
            "POST /blog  (unknown field)",
            create(r#"{"title":"t","author":"a","contents":"c","tags":[]}"#),
        ),
        (
            "POST /blog  (bad id)",
            create(r#"{"id":"a/b","title":"t","author":"a","contents":"c"}"#),
        ),
        ("POST /blog  (no Content-Type)", no_type),
        ("POST /blog  (256 KiB + 1 byte)", huge),
        (
            "POST /blog  (id taken)",
            create(r#"{"id":"taken","title":"other","author":"a","contents":"c"}"#),
        ),
        ("GET /blog?limit=500", list(&[("limit", "500")])),
        ("GET /blog?cursor=abc", list(&[("cursor", "abc")])),
        ("GET /blog/nope", item(Method::GET, "nope")),
        ("PUT /blog/taken", item(Method::PUT, "taken")),
    ];
    let mut table = String::new();
    for (label, request) in cases {
        let response = blog.handle(&request).await;
        writeln!(
            table,
            "{label}\n  -> {} {}",
            response.status.as_u16(),
            String::from_utf8_lossy(&response.body)
        )
        .unwrap();
    }
    let down = Blog::new(Arc::new(DownStore)).handle(&list(&[])).await;
    writeln!(
        table,
        "GET /blog  (store down)\n  -> {} {}",
        down.status.as_u16(),
        String::from_utf8_lossy(&down.body)
    )
    .unwrap();
    insta::assert_snapshot!(table);
}

#[tokio::test]
async fn every_response_carries_cors_and_every_body_is_json() {
    let blog = blog();
    blog.handle(&create(HELLO)).await;
    for request in [
        create(HELLO),
        list(&[]),
        item(Method::GET, "post-1"),
        item(Method::PUT, "x"),
        item(Method::DELETE, "post-1"),
    ] {
        let response = blog.handle(&request).await;
        assert_eq!(response.header("access-control-allow-origin"), Some("*"));
        if response.status != StatusCode::NO_CONTENT {
            assert_eq!(response.header("content-type"), Some("application/json"));
        }
    }
}

/// A clock whose readings fall in one millisecond, a tenth of a millisecond apart: what a busy
/// server sees when several posts are created at once.
struct SubMillisecondClock(std::sync::atomic::AtomicI64);

impl ch01_blog_core::Clock for SubMillisecondClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let start: chrono::DateTime<chrono::Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        start + chrono::TimeDelta::microseconds(100 * (n % 10))
    }
}

#[tokio::test]
async fn posts_created_in_the_same_millisecond_are_all_listed() {
    let blog = blog().with_clock(SubMillisecondClock(0.into()));
    for _ in 0..25 {
        assert_eq!(
            blog.handle(&create(HELLO)).await.status,
            StatusCode::CREATED
        );
    }
    let mut seen = std::collections::HashSet::new();
    let mut query = vec![("limit", "3".to_owned())];
    loop {
        let refs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = blog.handle(&list(&refs)).await.json_body();
        for post in page["posts"].as_array().unwrap() {
            assert!(
                seen.insert(post["id"].as_str().unwrap().to_owned()),
                "{post} twice"
            );
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => query = vec![("limit", "3".to_owned()), ("cursor", cursor.to_owned())],
            None => break,
        }
    }
    assert_eq!(seen.len(), 25, "every post appears exactly once");
}

#[tokio::test]
async fn an_identical_create_retried_answers_like_the_first_and_a_different_one_is_409() {
    let blog = blog();
    let body = r#"{"id":"again","title":"Once","author":"Ada","contents":"Only once"}"#;
    let first = blog.handle(&create(body)).await;
    assert_eq!(first.status, StatusCode::CREATED);
    // The clock has moved on, but the retry answers with the post stored the first time.
    let retry = blog.handle(&create(body)).await;
    assert_eq!(retry, first);
    let other = r#"{"id":"again","title":"Twice","author":"Ada","contents":"Only once"}"#;
    assert_error(
        &blog.handle(&create(other)).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    let page = blog.handle(&list(&[])).await.json_body();
    assert_eq!(page["posts"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn each_limit_says_which_it_is_and_every_field_limit_is_reachable_in_any_script() {
    let blog = blog();
    // 50,000 crabs are 200,000 bytes: within the body limit, exactly at the contents limit.
    let crabs = "\u{1F980}".repeat(50_000);
    let body = json!({"title": "🦀", "author": "李", "contents": crabs}).to_string();
    assert_eq!(blog.handle(&create(body)).await.status, StatusCode::CREATED);
    let one_more = json!({"title": "t", "author": "a", "contents": "a".repeat(50_001)});
    let response = blog.handle(&create(one_more.to_string())).await;
    assert_error(&response, StatusCode::BAD_REQUEST, "validation_failed");
    assert_eq!(
        response.json_body()["message"],
        "contents must be 1 to 50000 characters (got 50001)"
    );
    let response = blog.handle(&create(vec![b' '; MAX_BODY_BYTES + 1])).await;
    assert_error(
        &response,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
    assert!(
        response.json_body()["message"]
            .as_str()
            .unwrap()
            .contains("262144-byte limit"),
        "{:?}",
        response.json_body()
    );
}

#[tokio::test]
async fn a_page_stops_before_the_byte_bound_and_its_cursor_continues_there() {
    let blog = blog();
    let crabs = "\u{1F980}".repeat(50_000);
    for n in 0..30 {
        let body =
            json!({"id": format!("big-{n:02}"), "title": "t", "author": "a", "contents": crabs});
        assert_eq!(
            blog.handle(&create(body.to_string())).await.status,
            StatusCode::CREATED
        );
    }
    let first = blog.handle(&list(&[("limit", "30")])).await;
    assert!(
        ch01_blog_core::escaped_json_len(&first.body) <= ch01_blog_core::MAX_PAGE_BYTES,
        "the page is {} bytes escaped",
        ch01_blog_core::escaped_json_len(&first.body)
    );
    let first = first.json_body();
    let kept = first["posts"].as_array().unwrap().len();
    assert!(
        (1..30).contains(&kept),
        "the bytes ran out before the limit: {kept}"
    );
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let second = blog
        .handle(&list(&[("limit", "30"), ("cursor", cursor)]))
        .await
        .json_body();
    let rest = second["posts"].as_array().unwrap();
    assert_eq!(kept + rest.len(), 30, "nothing skipped, nothing repeated");
    assert_eq!(rest[0]["id"], format!("big-{:02}", 29 - kept));
    assert_eq!(second["next_cursor"], Value::Null);
}
