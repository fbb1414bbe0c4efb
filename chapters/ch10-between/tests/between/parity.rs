//! Chapter 5's parity table against the one function: every request goes over real HTTP to the
//! one function behind the local API Gateway's `{proxy+}` and to another variant, started from
//! the same seeded blog, and both must answer alike.

use ch01_blog_core::Blog;
use ch01_blog_core::test_support::seeded_blog;
use ch03_functions::STAGE;
use ch05_payloads::parity::{Side, cases, compare};
use ch05_payloads::{Backends, Variant};
use ch10_between::start_local;

/// The one function on `blog`, behind a local API Gateway with the stack's limits.
pub async fn one_function(blog: Blog) -> Variant {
    let limits = ch06_infrastructure::settings::local_gateway_limits();
    Variant {
        name: "one function",
        address: start_local(blog, limits).await.expect("a local gateway"),
        prefix: format!("/{STAGE}"),
    }
}

// ANCHOR: parity
#[tokio::test]
async fn the_one_function_answers_every_request_like_both_variants() {
    let cases = cases();
    let [functions, container] = Backends::start(seeded_blog().await, seeded_blog().await)
        .await
        .variants();
    for other in [functions, container] {
        let one = one_function(seeded_blog().await).await;
        let differences = compare(
            &cases,
            (one.name, &mut Side::of(&one)),
            (other.name, &mut Side::of(&other)),
            |case, from_one, _| assert_eq!(from_one.status, case.status, "{}", case.name),
        )
        .await;
        assert!(
            differences.is_empty(),
            "the one function and the {} answered differently:{differences}",
            other.name
        );
    }
}
// ANCHOR_END: parity
