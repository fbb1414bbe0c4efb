//! Build it, chapter 10: the exercise's test. It is compiled only with the crate's `build-it`
//! feature (`cargo test -p ch10-between --features build-it --test between build_it`), and fails
//! until the reader's change is made.

use ch10_between::invoke;

use crate::one_function::{app, event};

/// The one function answers with API Gateway's id of the request (`requestContext.requestId`),
/// as the four functions of chapter 3 do, so that its log line and API Gateway's access log
/// share one id; a client's own `x-request-id` changes nothing.
#[tokio::test]
async fn the_one_function_answers_with_api_gateways_request_id() {
    let app = app();
    for (method, target) in [("GET", "/blog"), ("GET", "/blog/missing")] {
        let mut event = event(method, target, "");
        event.request_context.request_id = Some("gateway-id-42".to_owned());
        event
            .headers
            .insert("x-request-id", "client-chosen".parse().unwrap());
        let answer = invoke(&app, event).await.expect("the function answers");
        let ids: Vec<&str> = answer
            .multi_value_headers
            .get_all("x-request-id")
            .iter()
            .chain(answer.headers.get_all("x-request-id"))
            .filter_map(|value| value.to_str().ok())
            .collect();
        assert_eq!(
            ids,
            ["gateway-id-42"],
            "{method} {target} answered {} with x-request-id {ids:?}",
            answer.status_code
        );
    }
}
