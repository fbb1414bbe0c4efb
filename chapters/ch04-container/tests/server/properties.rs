//! Arbitrary HTTP requests into the router (proptest): any method, any path, any headers, any
//! body; no panic, and every answer in the contract's shape (or `/health`'s).

use std::time::Duration;

use bytes::Bytes;
use ch01_blog_core::http::Request;
use ch01_blog_core::test_support::{check_contract_shape, seeded_blog};
use ch04_container::router::{App, handle};
use http_body_util::{BodyExt, Full};
use proptest::prelude::*;

fn requests() -> impl Strategy<Value = Request<Full<Bytes>>> {
    (
        prop_oneof![
            Just("GET".to_owned()),
            Just("POST".to_owned()),
            Just("DELETE".to_owned()),
            Just("OPTIONS".to_owned()),
            Just("HEAD".to_owned()),
            "[A-Z]{1,10}",
        ],
        prop_oneof![
            Just("/blog".to_owned()),
            Just("/blog/hello".to_owned()),
            "/blog/[a-zA-Z0-9%_.~-]{0,80}",
            "/[a-z/]{0,20}",
            Just("/health".to_owned()),
        ],
        proptest::option::of("[a-z]{1,6}=[a-zA-Z0-9%_-]{0,130}"),
        proptest::option::of(prop_oneof![
            Just("application/json".to_owned()),
            "[ -~]{0,30}",
        ]),
        proptest::option::of(0u64..400_000),
        proptest::collection::vec(any::<u8>(), 0..300),
    )
        .prop_filter_map(
            "a request the http crate accepts",
            |(method, path, query, content_type, length, body)| {
                let uri = match query {
                    Some(query) => format!("{path}?{query}"),
                    None => path,
                };
                let mut request = Request::builder().method(method.as_str()).uri(uri);
                if let Some(content_type) = content_type {
                    request = request.header("content-type", content_type);
                }
                if let Some(length) = length {
                    request = request.header("content-length", length.to_string());
                }
                request.body(Full::new(Bytes::from(body))).ok()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn every_request_gets_an_answer_in_the_contracts_shape(request in requests()) {
        let described = format!("{} {}", request.method(), request.uri());
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let (status, headers, body) = runtime.block_on(async {
            let app = App { blog: seeded_blog().await, body_timeout: Duration::from_secs(1) };
            let response = handle(&app, request).await;
            let (parts, body) = response.into_parts();
            (parts.status.as_u16(), parts.headers, body.collect().await.unwrap().to_bytes())
        });
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        if let Err(problem) = check_contract_shape(status, header, &body) {
            prop_assert!(false, "{described} -> {status}: {problem}");
        }
    }
}
