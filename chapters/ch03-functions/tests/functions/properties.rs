//! Arbitrary API Gateway events into the functions (proptest): whatever API Gateway could send,
//! no function panics and every proxy response it returns has the contract's shape; and arbitrary
//! JSON into `lambda_http`'s own parsing never panics either.

use std::collections::HashMap;

use base64::Engine as _;
use ch01_blog_core::http::{HeaderMap, HeaderName, HeaderValue, Method};
use ch01_blog_core::test_support::{check_contract_shape, seeded_blog};
use ch03_functions::{Endpoint, invoke};
use lambda_http::Body;
use lambda_http::aws_lambda_events::apigw::ApiGatewayProxyRequest;
use proptest::prelude::*;

fn events() -> impl Strategy<Value = (Endpoint, ApiGatewayProxyRequest)> {
    (
        prop_oneof![
            Just(Endpoint::GetPosts),
            Just(Endpoint::CreatePost),
            Just(Endpoint::GetPost),
            Just(Endpoint::DeletePost)
        ],
        prop_oneof![
            Just(Method::GET),
            Just(Method::POST),
            Just(Method::DELETE),
            Just(Method::PUT)
        ],
        proptest::option::of(any::<String>()),
        proptest::collection::hash_map(any::<String>(), any::<String>(), 0..3),
        proptest::option::of(prop_oneof![
            Just("application/json".to_owned()),
            "[ -~]{0,40}",
        ]),
        proptest::option::of(prop_oneof![
            Just(r#"{"title":"t","author":"a","contents":"c"}"#.to_owned()),
            any::<String>(),
        ]),
        any::<bool>(),
    )
        .prop_map(
            |(endpoint, method, id, query, content_type, body, base64)| {
                // API Gateway marks a body base64 only when it encoded it: valid base64.
                let body = match (body, base64) {
                    (Some(text), true) => {
                        Some(base64::engine::general_purpose::STANDARD.encode(text))
                    }
                    (body, _) => body,
                };
                let mut event = ApiGatewayProxyRequest::default();
                event.http_method = method;
                event.path_parameters = id
                    .map(|id| HashMap::from([("id".to_owned(), id)]))
                    .unwrap_or_default();
                event.query_string_parameters = query.into();
                let mut headers = HeaderMap::new();
                if let Some(value) = content_type.and_then(|v| HeaderValue::try_from(v).ok()) {
                    headers.insert(HeaderName::from_static("content-type"), value);
                }
                event.multi_value_headers = headers.clone();
                event.headers = headers;
                event.body = body;
                event.is_base64_encoded = base64;
                event.path = Some("/blog".into());
                (endpoint, event)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(128)
    ))]

    #[test]
    fn every_event_gets_a_proxy_response_in_the_contracts_shape((endpoint, event) in events()) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let response = runtime.block_on(async { invoke(&seeded_blog().await, endpoint, event.clone()).await });
        let response = match response {
            Ok(response) => response,
            Err(err) => return Err(TestCaseError::fail(format!("{endpoint:?} failed: {err}"))),
        };
        let body = match &response.body {
            Some(Body::Text(text)) => text.as_bytes().to_vec(),
            _ => Vec::new(),
        };
        let header = |name: &str| {
            response.multi_value_headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
        };
        let status = u16::try_from(response.status_code).unwrap_or(0);
        if let Err(problem) = check_contract_shape(status, header, &body) {
            prop_assert!(false, "{endpoint:?} {event:?} -> {status}: {problem}");
        }
    }

    #[test]
    fn any_json_into_lambda_https_parsing_never_panics(json in "\\PC{0,300}") {
        let _ = lambda_http::request::from_str(&json);
    }
}

/// Found by the property above, before it kept to events API Gateway sends: `lambda_http` panics
/// on a body marked base64 that is not. The function reports it as a failed invocation, as the
/// Lambda runtime does (API Gateway answers 502), and its process lives on.
#[tokio::test]
async fn a_body_marked_base64_that_is_not_fails_the_invocation_instead_of_the_process() {
    let mut event = ApiGatewayProxyRequest::default();
    event.http_method = Method::POST;
    event.body = Some("`not base64`".into());
    event.is_base64_encoded = true;
    let blog = seeded_blog().await;
    assert!(invoke(&blog, Endpoint::CreatePost, event).await.is_err());
    // The same process answers the next event.
    let mut next = ApiGatewayProxyRequest::default();
    next.http_method = Method::GET;
    assert_eq!(
        invoke(&blog, Endpoint::GetPosts, next)
            .await
            .unwrap()
            .status_code,
        200
    );
}
