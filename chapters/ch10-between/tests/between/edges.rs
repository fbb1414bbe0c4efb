//! AWS's limits, met by the one function and the web adapter beside the two variants: each row
//! sends all four a request that crosses one limit and records what each answered. Both shapes
//! sit behind the same API Gateway and Lambda limits as the four functions, and answer with the
//! same router as the container, so each row says which of the two they follow. The time limits are
//! scaled down as in chapter 5 (a store that takes half a second meets a 0.2 s function timeout).

use std::fmt::Write as _;
use std::time::Duration;

use ch01_blog_core::Blog;
use ch01_blog_core::test_support::deterministic_blog;
use ch03_functions::STAGE;
use ch03_functions::local_gateway::{INTEGRATION_TIMEOUT_SECS, Limits};
use ch05_payloads::edges::{JSON, MB, body_of, seen, show_size, slow_blog};
use ch05_payloads::{Backends, Variant, largest_post};
use ch06_infrastructure::settings::FUNCTION_TIMEOUT_SECS;
use ch10_between::start_local;

/// The two variants, the one function and the web adapter, each on a blog of its own, behind
/// the same limits.
async fn four(blog: fn() -> Blog, limits: Limits) -> [Variant; 4] {
    let [functions, container] = Backends::start_with_limits(blog(), blog(), limits)
        .await
        .variants();
    let one = Variant {
        name: "one function",
        address: start_local(blog(), limits).await.expect("a local gateway"),
        prefix: format!("/{STAGE}"),
    };
    let (address, _) = ch10_between::adapter::start_local(blog(), limits)
        .await
        .unwrap_or_else(|err| panic!("{err:#}"));
    let adapter = Variant {
        name: "web adapter",
        address,
        prefix: format!("/{STAGE}"),
    };
    [functions, one, adapter, container]
}

async fn answers(
    variants: &[Variant; 4],
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> [String; 4] {
    let mut seen_by: [String; 4] = Default::default();
    for (answer, variant) in seen_by.iter_mut().zip(variants) {
        *answer = seen(&variant.send(method, path, headers, body).await);
    }
    seen_by
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_aws_limit_and_what_the_shapes_between_answer() {
    let stack = ch06_infrastructure::settings::local_gateway_limits();
    let variants = four(deterministic_blog, stack).await;
    let mut rows: Vec<(String, [String; 4])> = Vec::new();
    for bytes in [300 * 1024, 7 * MB, 11 * MB] {
        let request = format!("`POST /blog` with a body of {}", show_size(bytes));
        let answered = answers(&variants, "POST", "/blog", &[JSON], &body_of(bytes)).await;
        rows.push((request, answered));
    }
    for n in 0..100 {
        let body = largest_post(&format!("max-{n:03}"));
        for variant in &variants {
            assert_eq!(variant.post_json(body.as_bytes()).await.status, 201);
        }
    }
    let page = answers(&variants, "GET", "/blog?limit=100", &[], b"").await;
    rows.push((
        "`GET /blog?limit=100` over 100 posts of the largest size".into(),
        page,
    ));
    for (what, limits) in [
        (
            format!("the function's timeout ({FUNCTION_TIMEOUT_SECS} s, 0.2 s here)"),
            Limits {
                function_timeout: Duration::from_millis(200),
                integration_timeout: Duration::from_secs(INTEGRATION_TIMEOUT_SECS),
            },
        ),
        (
            format!("API Gateway's integration timeout ({INTEGRATION_TIMEOUT_SECS} s, 0.3 s here)"),
            Limits {
                function_timeout: Duration::from_secs(FUNCTION_TIMEOUT_SECS),
                integration_timeout: Duration::from_millis(300),
            },
        ),
    ] {
        let slow = four(slow_blog, limits).await;
        let body = br#"{"id":"slow","title":"Slow","author":"Ada","contents":"Late"}"#;
        for variant in &slow {
            assert_eq!(variant.post_json(body).await.status, 201);
        }
        let answered = answers(&slow, "GET", "/blog/slow", &[], b"").await;
        rows.push((format!("`GET /blog/slow` past {what}"), answered));
    }
    let text = [("content-type", "text/plain")];
    let put = answers(&variants, "PUT", "/blog", &text, b"hello").await;
    rows.push(("`PUT /blog` with a `text/plain` body".into(), put));
    let unknown = answers(&variants, "GET", "/nothing", &[], b"").await;
    rows.push(("`GET /nothing`".into(), unknown));

    // Where the one function answers like the four functions (API Gateway's and Lambda's own
    // limits) and where like the container (its router answers what API Gateway's routes did).
    let [
        limit_300k,
        limit_7mb,
        limit_11mb,
        page,
        timeout,
        integration,
        put,
        unknown,
    ] = rows
        .iter()
        .map(|(_, answered)| answered)
        .collect::<Vec<_>>()[..]
    else {
        panic!("eight rows");
    };
    assert_eq!(limit_300k, &["413 `payload_too_large`"; 4]);
    for [functions, one, adapter, _] in [limit_7mb, limit_11mb, timeout, integration] {
        assert_eq!(one, functions, "a limit of API Gateway's or Lambda's");
        assert_eq!(adapter, functions, "a limit of API Gateway's or Lambda's");
    }
    for shape in &page[..3] {
        assert_eq!(shape, &page[3], "a page is the same everywhere");
    }
    for [_, one, adapter, container] in [put, unknown] {
        assert_eq!(one, container, "the router answers");
        assert_eq!(adapter, container, "the router answers");
    }
    assert_eq!(put[0], "415 `unsupported_media_type`");
    assert_eq!(unknown[0], "403 \"Missing Authentication Token\"");

    let mut table = String::from(
        "<!-- ANCHOR: limits -->\n| the request | four functions | one function | web adapter | container |\n|---|---|---|---|---|\n",
    );
    for (request, [functions, one, adapter, container]) in &rows {
        writeln!(
            table,
            "| {request} | {functions} | {one} | {adapter} | {container} |"
        )
        .unwrap();
    }
    table.push_str("<!-- ANCHOR_END: limits -->\n");
    insta::assert_snapshot!(table);
}
