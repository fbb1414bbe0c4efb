//! The parity suite: every request of the table (`ch05_payloads::parity`) goes to both variants
//! over real HTTP (the functions through the local API Gateway, the container to chapter 4's
//! server), and both must answer with the same status, the same JSON body and the contract's
//! headers.
//!
//! Both variants start from the same seeded blog with the same fixed clock and ids, and receive
//! the same requests in the same order, so even generated ids, timestamps and cursors match.

use std::fmt::Write as _;

use ch01_blog_core::test_support::{JsonBody, seeded_blog};
use ch03_functions::local_gateway::Door;
use ch05_payloads::parity::{Side, cases, compare};
use ch05_payloads::{Backends, Variant, functions_behind, largest_post};

#[tokio::test]
async fn both_variants_answer_every_request_alike() {
    let [functions, _] = Backends::start(seeded_blog().await, seeded_blog().await)
        .await
        .variants();
    answers_every_request_like_the_container(functions).await;
}

/// The same table through an HTTP API: each function on its route, and the `ANY` route of each
/// resource to the function that reads it, which answers preflights and `405`s.
#[tokio::test]
async fn behind_an_http_api_the_functions_answer_every_request_alike() {
    let functions = functions_behind(Door::HttpApi, seeded_blog().await).await;
    answers_every_request_like_the_container(functions).await;
}

/// Every case of the table, to `functions` and to the container (each on its own seeded blog):
/// the same answers, the container's statuses the contract's, and every answer of the functions
/// with the contract's CORS origin and JSON type.
async fn answers_every_request_like_the_container(functions: Variant) {
    let cases = cases();
    assert!(
        cases.len() >= 30,
        "the table must have at least 30 requests"
    );
    let [_, container] = Backends::start(seeded_blog().await, seeded_blog().await)
        .await
        .variants();
    let differences = compare(
        &cases,
        (functions.name, &mut Side::of(&functions)),
        ("container", &mut Side::of(&container)),
        |case, from_functions, from_container| {
            assert_eq!(
                from_container.status,
                case.status,
                "{}: {}",
                case.name,
                from_container.show()
            );
            assert_eq!(
                from_functions
                    .headers
                    .get("access-control-allow-origin")
                    .map(String::as_str),
                Some("*"),
                "{}",
                case.name
            );
            if case.status != 204 {
                assert_eq!(
                    from_functions
                        .headers
                        .get("content-type")
                        .map(String::as_str),
                    Some("application/json"),
                    "{}",
                    case.name
                );
            }
        },
    )
    .await;
    assert!(
        differences.is_empty(),
        "the {} and the container answered differently:{differences}",
        functions.name
    );
}

/// The table as the book shows it.
#[test]
fn the_parity_table() {
    let mut table = String::from(
        "<!-- ANCHOR: parity -->\n| # | request | method and target | status |\n|---|---|---|---|\n",
    );
    for (n, case) in cases().iter().enumerate() {
        let target = case.target.replace('|', "\\|");
        writeln!(
            table,
            "| {} | {} | `{} {target}` | {} |",
            n + 1,
            case.name,
            case.method,
            case.status
        )
        .unwrap();
    }
    table.push_str("<!-- ANCHOR_END: parity -->\n");
    insta::assert_snapshot!(table);
}

/// The same table, summed up by the status both variants must answer: how many of the requests
/// expect it, and two of them by name. The book shows this, and points to the whole table.
#[test]
fn the_parity_table_by_status() {
    let mut by_status: std::collections::BTreeMap<u16, Vec<&str>> = Default::default();
    for case in cases() {
        by_status.entry(case.status).or_default().push(case.name);
    }
    let mut table = String::from(
        "<!-- ANCHOR: by_status -->\n| status | requests | for example |\n|---|---:|---|\n",
    );
    for (status, names) in &by_status {
        let examples: Vec<&str> = names.iter().take(2).copied().collect();
        writeln!(
            table,
            "| {status} | {} | {} |",
            names.len(),
            examples.join("; ")
        )
        .unwrap();
    }
    writeln!(table, "| **all** | **{}** | |", cases().len()).unwrap();
    table.push_str("<!-- ANCHOR_END: by_status -->\n");
    assert_eq!(
        by_status.values().map(Vec::len).sum::<usize>(),
        cases().len()
    );
    insta::assert_snapshot!(table);
}

/// 100 posts with every field at its limit (50,000 crabs are 200,000 bytes of contents each):
/// without a bound on its bytes, one page of them is a 20 MB response, far over Lambda's 6 MB,
/// and the functions would answer `502` where the container answers `200`. Both variants cut
/// the page at the same byte bound, give the same cursor, and walk all 100 posts alike.
#[tokio::test]
async fn a_page_of_100_maximum_size_posts_is_the_same_and_under_6_mb_on_both() {
    let variants = Backends::start(seeded_blog().await, seeded_blog().await)
        .await
        .variants();
    for n in 0..100 {
        let body = largest_post(&format!("max-{n:03}"));
        for variant in &variants {
            let created = variant.post_json(body.as_bytes()).await;
            assert_eq!(created.status, 201, "{}", created.json_body());
        }
    }
    let mut walks: Vec<Vec<String>> = Vec::new();
    let mut first_pages = Vec::new();
    for variant in &variants {
        let pages = variant.pages(100).await;
        for page in &pages {
            assert!(ch01_blog_core::escaped_json_len(&page.body) <= ch01_blog_core::MAX_PAGE_BYTES);
        }
        first_pages.push(pages[0].body.clone());
        walks.push(variant.feed_ids(100).await);
    }
    assert_eq!(
        first_pages[0], first_pages[1],
        "the first pages are byte for byte equal"
    );
    assert_eq!(walks[0], walks[1], "both walk the feed alike");
    assert_eq!(
        walks[0].len(),
        103,
        "100 posts and the 3 seeded ones, each once"
    );
}
