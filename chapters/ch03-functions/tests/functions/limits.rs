//! The edges of AWS the local API Gateway models, so that parity is tested against what AWS
//! does and not only against what our code does: a function that runs out of time, API Gateway
//! that stops waiting, and a request over Lambda's 6 MB that API Gateway itself would take.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use ch01_blog_core::http::Request;
use ch01_blog_core::{Blog, BlogError, Cursor, Page, Post, PostStore};
use ch03_functions::LocalApiGateway;
use ch03_functions::local_gateway::{LAMBDA_MAX_REQUEST_BYTES, Limits};

/// A store that never answers: a call to it runs until someone stops it.
struct SilentStore;

#[async_trait]
impl PostStore for SilentStore {
    async fn create(&self, _: &Post) -> Result<Post, BlogError> {
        std::future::pending().await
    }
    async fn get(&self, _: &str) -> Result<Post, BlogError> {
        std::future::pending().await
    }
    async fn list(&self, _: usize, _: Option<&Cursor>) -> Result<Page, BlogError> {
        std::future::pending().await
    }
    async fn delete(&self, _: &str) -> Result<(), BlogError> {
        std::future::pending().await
    }
}

fn gateway(function_ms: u64, integration_ms: u64) -> LocalApiGateway {
    LocalApiGateway::new(Blog::new(Arc::new(SilentStore))).with_limits(Limits {
        function_timeout: Duration::from_millis(function_ms),
        integration_timeout: Duration::from_millis(integration_ms),
    })
}

fn get(path: &str) -> Request<Bytes> {
    Request::builder().uri(path).body(Bytes::new()).unwrap()
}

#[tokio::test]
async fn a_function_that_runs_out_of_time_is_api_gateways_502() {
    let answer = gateway(50, 2000)
        .handle(get("/Prod/blog/x"), "127.0.0.1")
        .await;
    assert_eq!(answer.status(), 502);
    assert_eq!(
        answer.body().as_ref(),
        br#"{"message":"Internal server error"}"#
    );
}

#[tokio::test]
async fn api_gateway_that_stops_waiting_first_answers_504() {
    let answer = gateway(2000, 50)
        .handle(get("/Prod/blog"), "127.0.0.1")
        .await;
    assert_eq!(answer.status(), 504);
    assert_eq!(
        answer.body().as_ref(),
        br#"{"message":"Endpoint request timed out"}"#
    );
}

#[test]
fn lambdas_default_timeout_ends_a_function_before_the_store_bound() {
    // Why the deployment must set a timeout of its own (chapter 6 checks the one it sets).
    let Limits {
        function_timeout,
        integration_timeout,
    } = Limits::default();
    let store_bound = ch02_dynamodb::client::timeouts()
        .operation_timeout()
        .unwrap();
    assert!(function_timeout < store_bound && store_bound < integration_timeout);
}

#[tokio::test]
async fn a_request_over_6_mb_is_refused_before_any_function_runs() {
    // 7 MB: within API Gateway's 10 MB, over Lambda's 6 MB for the whole event.
    let body = Bytes::from(vec![b'x'; LAMBDA_MAX_REQUEST_BYTES + 1024 * 1024]);
    let request = Request::builder()
        .method("POST")
        .uri("/Prod/blog")
        .header("content-type", "application/json")
        .body(body)
        .unwrap();
    let answer = gateway(2000, 2000).handle(request, "127.0.0.1").await;
    assert_eq!(answer.status(), 500);
    assert_eq!(
        answer.body().as_ref(),
        br#"{"message":"Internal server error"}"#
    );
    // As the stack configures API Gateway's responses: readable by the demo page.
    assert_eq!(answer.headers()["access-control-allow-origin"], "*");
}
