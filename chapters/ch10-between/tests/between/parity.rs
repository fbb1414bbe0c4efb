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
/// Chapter 5's parity table: a shape started by `start` on a seeded blog, against each variant on
/// a blog seeded alike; they must answer every case alike.
pub async fn answers_like_both_variants<Shape>(start: impl Fn(Blog) -> Shape)
where
    Shape: Future<Output = Variant>,
{
    let cases = cases();
    let [functions, container] = Backends::start(seeded_blog().await, seeded_blog().await)
        .await
        .variants();
    for other in [functions, container] {
        let shape = start(seeded_blog().await).await;
        let differences = compare(
            &cases,
            (shape.name, &mut Side::of(&shape)),
            (other.name, &mut Side::of(&other)),
            |case, from_shape, _| assert_eq!(from_shape.status, case.status, "{}", case.name),
        )
        .await;
        assert!(
            differences.is_empty(),
            "the {} and the {} answered differently:{differences}",
            shape.name,
            other.name
        );
    }
}

#[tokio::test]
async fn the_one_function_answers_every_request_like_both_variants() {
    answers_like_both_variants(one_function).await;
}
// ANCHOR_END: parity
