//! Chapter 5's parity table against the one function: every request goes over real HTTP to the
//! one function behind the local API Gateway's `{proxy+}` and to another variant, started from
//! the same seeded blog, and both must answer alike.

use ch01_blog_core::Blog;
use ch01_blog_core::test_support::seeded_blog;
use ch03_functions::local_gateway::Door;
use ch05_payloads::parity::{Side, cases, compare};
use ch05_payloads::{Backends, Variant};
use ch10_between::local::start_local_behind;

/// The one function on `blog`, behind a local API Gateway with the stack's limits.
pub async fn one_function(blog: Blog) -> Variant {
    one_function_behind(Door::RestApi, blog).await
}

/// The one function on `blog` behind `door`, with the stack's limits.
pub async fn one_function_behind(door: Door, blog: Blog) -> Variant {
    let limits = ch06_infrastructure::settings::local_gateway_limits_for(door);
    Variant {
        name: match door {
            Door::RestApi => "one function",
            Door::HttpApi => "one function behind an HTTP API",
            Door::FunctionUrl => "one function's URL",
        },
        address: start_local_behind(door, blog, limits)
            .await
            .expect("a local gateway"),
        prefix: door.base_path(),
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

/// Behind an HTTP API's `$default` route, and behind its own function URL, the one function
/// still answers every case: it routes in code, so every door gives it every request.
#[tokio::test]
async fn behind_an_http_api_or_its_url_the_one_function_answers_every_request_alike() {
    for door in [Door::HttpApi, Door::FunctionUrl] {
        answers_like_both_variants(async |blog| one_function_behind(door, blog).await).await;
    }
}
