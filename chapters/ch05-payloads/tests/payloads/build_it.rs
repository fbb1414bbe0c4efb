//! Build it, chapter 5: the exercise's test. It is compiled only with the crate's `build-it`
//! feature (`cargo test -p ch05-payloads --features build-it --test payloads build_it`), and fails
//! until the reader's change is made.

use ch01_blog_core::test_support::seeded_blog;
use ch05_payloads::Backends;
use ch05_payloads::parity::{Answer, Side, cases};

/// The parity table has a row for `GET /blog?limit=` (a limit with no value), expecting the
/// contract's `400`, and both variants answer that request alike.
#[tokio::test]
async fn an_empty_limit_is_a_row_of_the_parity_table() {
    let Some(case) = cases()
        .into_iter()
        .find(|case| case.method == "GET" && case.target == "/blog?limit=")
    else {
        panic!("no row of cases() in src/parity.rs sends GET /blog?limit=");
    };
    assert_eq!(
        case.status, 400,
        "{}: the status the contract gives",
        case.name
    );
    let [functions, container] = Backends::start(seeded_blog().await, seeded_blog().await)
        .await
        .variants();
    let from_functions = Answer::of(&Side::of(&functions).send(&case).await);
    let from_container = Answer::of(&Side::of(&container).send(&case).await);
    assert_eq!(from_container.status, 400, "{}", from_container.show());
    assert_eq!(
        from_functions,
        from_container,
        "functions:\n{}container:\n{}",
        from_functions.show(),
        from_container.show()
    );
}
