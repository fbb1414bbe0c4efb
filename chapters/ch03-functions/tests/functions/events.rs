//! Every function, fed real API Gateway REST (v1) proxy events from `tests/fixtures/`, through
//! `lambda_http`'s own adapter. The snapshots are the proxy response JSON API Gateway receives.

use crate::common;

use std::sync::Arc;

use ch01_blog_core::Blog;
use ch01_blog_core::http::Method;
use ch01_blog_core::test_support::seeded_blog;
use ch02_dynamodb::DynamoStore;
use ch02_dynamodb::client::local_client;
use ch02_dynamodb::local::free_port;
use ch03_functions::Endpoint::{self, CreatePost, DeletePost, GetPost, GetPosts};
use ch03_functions::invoke;
use ch03_functions::translate::to_api_request;
use common::{fixture, fixture_text};
use serde_json::Value;

/// The proxy response JSON a function returns for a fixture event.
async fn respond(endpoint: Endpoint, name: &str) -> Value {
    let response = invoke(&seeded_blog().await, endpoint, fixture(name))
        .await
        .expect("the function answers");
    serde_json::to_value(response).expect("a proxy response is JSON")
}

/// A fixture as `lambda_http` turns it into a `Request` inside a function.
fn request_of(name: &str) -> lambda_http::Request {
    lambda_http::request::from_str(&fixture_text(name)).unwrap()
}

/// One test per fixture: the snapshot is named after the fixture.
macro_rules! fixture_tests {
    ($($test:ident: $endpoint:expr, $fixture:literal, $status:literal;)*) => {$(
        #[tokio::test]
        async fn $test() {
            let response = respond($endpoint, $fixture).await;
            assert_eq!(response["statusCode"], $status, "{response:#}");
            // A REST API reads headers from multiValueHeaders; lambda_http leaves `headers` empty.
            assert_eq!(response["multiValueHeaders"]["access-control-allow-origin"][0], "*");
            insta::assert_json_snapshot!($fixture, response);
        }
    )*};
}

fixture_tests! {
    get_posts_lists_newest_first: GetPosts, "get-posts", 200;
    get_posts_with_a_limit_returns_a_cursor: GetPosts, "get-posts-limit", 200;
    get_posts_with_a_bad_limit_is_400: GetPosts, "get-posts-bad-limit", 400;
    create_post_returns_201_and_location: CreatePost, "create-post", 201;
    create_post_accepts_a_charset_parameter: CreatePost, "create-post-charset", 201;
    create_post_decodes_a_base64_body: CreatePost, "create-post-base64", 201;
    create_post_without_content_type_is_415: CreatePost, "create-post-no-content-type", 415;
    create_post_with_invalid_json_is_400: CreatePost, "create-post-invalid-json", 400;
    create_post_with_an_unknown_field_is_400: CreatePost, "create-post-unknown-field", 400;
    create_post_with_an_empty_title_is_400: CreatePost, "create-post-empty-title", 400;
    create_post_with_an_existing_id_is_409: CreatePost, "create-post-existing-id", 409;
    create_post_over_64_kib_is_413: CreatePost, "create-post-too-large", 413;
    get_post_returns_the_post: GetPost, "get-post", 200;
    get_post_of_a_missing_id_is_404: GetPost, "get-post-missing", 404;
    delete_post_is_204_without_a_body: DeletePost, "delete-post", 204;
    delete_post_of_a_missing_id_is_404: DeletePost, "delete-post-missing", 404;
}

#[tokio::test]
async fn the_stage_is_in_the_uri_but_the_id_comes_from_path_parameters() {
    let request = request_of("get-post");
    // The trap: lambda_http puts the stage back into the path.
    assert_eq!(request.uri().path(), "/Prod/blog/hello");
    let api_request = to_api_request(&request);
    assert_eq!(api_request.id.as_deref(), Some("hello"));
    assert_eq!(api_request.method, Method::GET);
}

#[tokio::test]
async fn a_base64_body_reaches_the_handler_decoded() {
    let request = request_of("create-post-base64");
    let plain = request_of("create-post");
    assert_eq!(to_api_request(&request).body, to_api_request(&plain).body);
    assert!(to_api_request(&request).body.starts_with(b"{\"title\""));
}

#[tokio::test]
async fn a_missing_content_type_keeps_the_body() {
    // lambda_http's `payload()` would say Ok(None) here; our translation keeps the bytes and
    // lets chapter 1 answer 415.
    let request = request_of("create-post-no-content-type");
    let api_request = to_api_request(&request);
    assert_eq!(api_request.content_type, None);
    assert!(!api_request.body.is_empty());
}

#[tokio::test]
async fn a_created_post_can_be_read_back_by_the_get_post_function() {
    let blog = seeded_blog().await;
    let created = invoke(&blog, CreatePost, fixture("create-post"))
        .await
        .unwrap();
    let location = created.multi_value_headers["location"].to_str().unwrap();
    let id = location.trim_start_matches("/blog/");
    let mut event = fixture("get-post");
    event.path_parameters.insert("id".into(), id.into());
    event.path = Some(location.into());
    let fetched = invoke(&blog, GetPost, event).await.unwrap();
    assert_eq!(fetched.status_code, 200);
    assert_eq!(fetched.body, created.body);
}

#[tokio::test]
async fn a_store_that_cannot_be_reached_is_503() {
    // A DynamoDB client pointed at a port where nothing listens.
    let endpoint = format!("http://127.0.0.1:{}", free_port().unwrap());
    let store = DynamoStore::new(local_client(&endpoint), "posts");
    let blog = Blog::new(Arc::new(store));
    let response = invoke(&blog, GetPosts, fixture("get-posts")).await.unwrap();
    assert_eq!(response.status_code, 503);
    let response = serde_json::to_value(response).unwrap();
    insta::assert_json_snapshot!("get-posts-store-down", response);
}

/// The fields of the create-post event the functions read, and nothing else: fed this much
/// alone, the function answers as it does to the whole event. The book shows this document, and
/// names the whole fixture's file.
#[tokio::test]
async fn the_fields_a_function_reads_are_enough() {
    let full: Value = serde_json::from_str(&fixture_text("create-post")).unwrap();
    let mut fields = serde_json::Map::new();
    for key in [
        "resource",
        "path",
        "httpMethod",
        "pathParameters",
        "queryStringParameters",
        "body",
        "isBase64Encoded",
    ] {
        fields.insert(key.into(), full[key].clone());
    }
    let headers = serde_json::json!({
        "Content-Type": full["headers"]["Content-Type"],
        "X-Amzn-Trace-Id": full["headers"]["X-Amzn-Trace-Id"],
    });
    fields.insert("headers".into(), headers.clone());
    fields.insert(
        "multiValueHeaders".into(),
        serde_json::json!({
            "Content-Type": [full["headers"]["Content-Type"]],
            "X-Amzn-Trace-Id": [full["headers"]["X-Amzn-Trace-Id"]],
        }),
    );
    fields.insert(
        "requestContext".into(),
        serde_json::json!({
            "requestId": full["requestContext"]["requestId"],
            "stage": full["requestContext"]["stage"],
            "httpMethod": full["requestContext"]["httpMethod"],
        }),
    );
    let trimmed = Value::Object(fields);
    let event = serde_json::from_value(trimmed.clone()).expect("still a REST API proxy event");
    let from_trimmed = invoke(&seeded_blog().await, CreatePost, event)
        .await
        .unwrap();
    let from_full = invoke(&seeded_blog().await, CreatePost, fixture("create-post"))
        .await
        .unwrap();
    assert_eq!(from_trimmed.status_code, from_full.status_code);
    assert_eq!(from_trimmed.body, from_full.body);
    insta::assert_json_snapshot!("create-post-fields-read", trimmed);
}
