//! Chapter 12's tests: the one log shape of both variants, their spans, and what the stack builds
//! from chapter 12's description.

// The book's "Build it" exercise: it fails until the reader's change is made.
#[cfg(feature = "build-it")]
mod build_it;
mod export;
mod logs;
mod stack;
mod traces;

use ch01_blog_core::logs::{Captured, json_lines};
use ch01_blog_core::test_support::seeded_blog;
use ch05_payloads::parity::{Case, cases};
use ch05_payloads::{Backends, Variant};
use tracing::subscriber::DefaultGuard;

/// Every log line this thread writes while the guard lives, as both variants write them on AWS.
fn capture_logs() -> (Captured, DefaultGuard) {
    let captured = Captured::default();
    let guard = tracing::subscriber::set_default(json_lines(
        tracing::level_filters::LevelFilter::INFO,
        captured.clone(),
    ));
    (captured, guard)
}

/// The functions and the container, each on its own seeded blog.
async fn both_variants() -> [Variant; 2] {
    Backends::start(seeded_blog().await, seeded_blog().await)
        .await
        .variants()
}

/// The case of chapter 5's parity table with this name.
fn case(name: &str) -> Case {
    cases()
        .into_iter()
        .find(|case| case.name == name)
        .unwrap_or_else(|| panic!("the parity table has no case {name:?}"))
}
