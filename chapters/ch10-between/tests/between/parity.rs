//! Chapter 5's parity table against the one function: every request goes over real HTTP to the
//! one function behind the local API Gateway's `{proxy+}` and to another variant, started from
//! the same seeded blog, and both must answer alike.

use std::sync::Arc;

use ch01_blog_core::Blog;
use ch01_blog_core::test_support::seeded_blog;
use ch03_functions::{LocalApiGateway, STAGE};
use ch04_container::router::App;
use ch05_payloads::parity::{Side, cases, compare};
use ch05_payloads::{Backends, Variant};
use ch10_between::{BODY_TIMEOUT, backend};
use tokio::net::TcpListener;

/// The one function on `blog`, behind a local API Gateway with the stack's limits.
async fn one_function(blog: Blog) -> Variant {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("an address");
    let app = App {
        blog,
        body_timeout: BODY_TIMEOUT,
    };
    let gateway = LocalApiGateway::for_backend(backend(app))
        .with_limits(ch06_infrastructure::settings::local_gateway_limits());
    tokio::spawn(Arc::new(gateway).serve(listener, std::future::pending()));
    Variant {
        name: "one function",
        address,
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
