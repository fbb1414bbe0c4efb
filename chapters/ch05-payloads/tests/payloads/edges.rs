//! AWS's limits, met by both variants. Each row sends both variants a request that crosses one
//! limit and records what each answered; the generated table is the one on the book's "When
//! things go wrong" page. The sizes are AWS's; the two time limits are scaled down (a store that
//! takes half a second meets a 0.2 s function timeout) so that the test waits little.

use std::fmt::Write as _;
use std::time::Duration;

use ch01_blog_core::MAX_BODY_BYTES;
use ch01_blog_core::test_support::deterministic_blog;
use ch03_functions::local_gateway::{
    GATEWAY_MAX_BODY, INTEGRATION_TIMEOUT_SECS, LAMBDA_MAX_REQUEST_BYTES,
    LAMBDA_MAX_RESPONSE_BYTES, Limits,
};
use ch05_payloads::edges::{JSON, MB, body_of, seen, show_size, slow_blog};
use ch05_payloads::{Backends, largest_post};
use ch06_infrastructure::settings::FUNCTION_TIMEOUT_SECS;

struct Row {
    limit: String,
    request: String,
    answers: [String; 2],
}

impl Row {
    async fn of(
        limit: String,
        request: String,
        backends: &Backends,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Self {
        let mut answers = [String::new(), String::new()];
        for (answer, variant) in answers.iter_mut().zip(backends.variants()) {
            *answer = seen(&variant.send(method, path, headers, body).await);
        }
        Self {
            limit,
            request,
            answers,
        }
    }
}

/// 100 posts of the largest size on both variants; returns how many bytes of JSON they are in
/// all, far more than one 6 MB answer.
async fn create_largest_posts(backends: &Backends) -> usize {
    let mut total = 0;
    for n in 0..100 {
        let body = largest_post(&format!("max-{n:03}"));
        for variant in backends.variants() {
            let created = variant.post_json(body.as_bytes()).await;
            assert_eq!(created.status, 201);
            total += created.body.len();
        }
    }
    total / 2
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_aws_limit_and_what_each_variant_answers() {
    let mut rows = Vec::new();
    let backends = Backends::start(deterministic_blog(), deterministic_blog()).await;
    for (limit, bytes) in [
        (
            format!("the blog's request body: {} KiB", MAX_BODY_BYTES / 1024),
            MAX_BODY_BYTES + 44 * 1024,
        ),
        (
            format!(
                "Lambda's invocation request: {} MB",
                LAMBDA_MAX_REQUEST_BYTES / MB
            ),
            LAMBDA_MAX_REQUEST_BYTES + MB,
        ),
        (
            format!("API Gateway's payload: {} MB", GATEWAY_MAX_BODY / MB),
            GATEWAY_MAX_BODY + MB,
        ),
    ] {
        let request = format!("`POST /blog` with a body of {}", show_size(bytes));
        let body = body_of(bytes);
        rows.push(Row::of(limit, request, &backends, "POST", "/blog", &[JSON], &body).await);
    }

    let posts_bytes = create_largest_posts(&backends).await;
    rows.push(
        Row::of(
            format!(
                "Lambda's invocation response: {} MB",
                LAMBDA_MAX_RESPONSE_BYTES / MB
            ),
            format!(
                "`GET /blog?limit=100` over 100 posts of the largest size ({} in all)",
                show_size(posts_bytes)
            ),
            &backends,
            "GET",
            "/blog?limit=100",
            &[],
            b"",
        )
        .await,
    );

    // The time limits, scaled down: the store answers a read in 0.5 s.
    for (limit, limits) in [
        (
            format!("the function's timeout: {FUNCTION_TIMEOUT_SECS} s (0.2 s here)"),
            Limits {
                function_timeout: Duration::from_millis(200),
                integration_timeout: Duration::from_secs(INTEGRATION_TIMEOUT_SECS),
            },
        ),
        (
            format!("API Gateway's integration timeout: {INTEGRATION_TIMEOUT_SECS} s (0.3 s here)"),
            Limits {
                function_timeout: Duration::from_secs(FUNCTION_TIMEOUT_SECS),
                integration_timeout: Duration::from_millis(300),
            },
        ),
    ] {
        let slow = Backends::start_with_limits(slow_blog(), slow_blog(), limits).await;
        let body = br#"{"id":"slow","title":"Slow","author":"Ada","contents":"Late"}"#;
        for variant in slow.variants() {
            let created = variant.post_json(body).await;
            assert_eq!(created.status, 201);
        }
        let request = "`GET /blog/slow` from a store that takes 0.5 s".to_owned();
        rows.push(Row::of(limit, request, &slow, "GET", "/blog/slow", &[], b"").await);
    }

    // A mock integration (preflight, 405) maps only JSON bodies; API Gateway refuses the rest
    // before the mock can answer, with the contract's 415 (the stack's gateway response).
    rows.push(
        Row::of(
            "API Gateway's mock integrations: JSON bodies only".to_owned(),
            "`PUT /blog` with a `text/plain` body".to_owned(),
            &backends,
            "PUT",
            "/blog",
            &[("content-type", "text/plain")],
            b"hello",
        )
        .await,
    );

    // What AWS answers, and what each variant must answer.
    let answers: Vec<[&str; 2]> = rows
        .iter()
        .map(|row| [row.answers[0].as_str(), row.answers[1].as_str()])
        .collect();
    assert_eq!(answers[0], ["413 `payload_too_large`"; 2]);
    assert_eq!(
        answers[1],
        ["500 \"Internal server error\"", "413 `payload_too_large`"]
    );
    assert_eq!(
        answers[2],
        ["413 \"Request Too Long\"", "413 `payload_too_large`"]
    );
    assert_eq!(answers[3][0], answers[3][1], "a page is the same on both");
    assert!(answers[3][0].starts_with("200, "), "{}", answers[3][0]);
    assert_eq!(answers[4], ["502 \"Internal server error\"", "200"]);
    assert_eq!(answers[5], ["504 \"Endpoint request timed out\"", "200"]);
    assert_eq!(
        answers[6],
        ["415 `unsupported_media_type`", "405 `method_not_allowed`"]
    );

    let mut table = String::from(
        "<!-- ANCHOR: limits -->\n| limit | the request | functions answer | container answers |\n|---|---|---|---|\n",
    );
    for row in &rows {
        let [functions, container] = &row.answers;
        writeln!(
            table,
            "| {} | {} | {functions} | {container} |",
            row.limit, row.request
        )
        .unwrap();
    }
    table.push_str("<!-- ANCHOR_END: limits -->\n");
    insta::assert_snapshot!(table);
}
