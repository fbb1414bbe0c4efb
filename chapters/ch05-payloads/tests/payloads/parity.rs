//! The parity suite: every request of the table goes to both variants over real HTTP (the
//! functions through the local API Gateway, the container to chapter 4's server), and both must
//! answer with the same status, the same JSON body and the contract's headers.
//!
//! Both variants start from the same seeded blog with the same fixed clock and ids, and receive
//! the same requests in the same order, so even generated ids, timestamps and cursors match.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;

use ch01_blog_core::test_support::raw_http::{RawResponse, send};
use ch01_blog_core::test_support::{JsonBody, seeded_blog};
use ch03_functions::STAGE;
use ch05_payloads::{Backends, largest_post};
use serde_json::Value;

/// The headers the contract specifies; both answers must carry the same values (or both none).
const CONTRACT_HEADERS: [&str; 8] = [
    "content-type",
    "access-control-allow-origin",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
    "allow",
    "location",
];

const JSON: Option<&str> = Some("application/json");

/// One row of the table: what to send, and the status the contract expects.
struct Case {
    name: &'static str,
    method: &'static str,
    /// Below the base URL; `{cursor}` is replaced by the last `next_cursor` each side returned.
    target: &'static str,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    status: u16,
}

fn case(name: &'static str, method: &'static str, target: &'static str, status: u16) -> Case {
    Case {
        name,
        method,
        target,
        content_type: None,
        body: Vec::new(),
        status,
    }
}

fn with_body(mut case: Case, content_type: Option<&'static str>, body: impl Into<Vec<u8>>) -> Case {
    case.content_type = content_type;
    case.body = body.into();
    case
}

fn post(name: &'static str, status: u16, body: impl Into<Vec<u8>>) -> Case {
    with_body(case(name, "POST", "/blog", status), JSON, body)
}

fn cases() -> Vec<Case> {
    let long_title = format!(
        r#"{{"title":"{}","author":"a","contents":"c"}}"#,
        "t".repeat(201)
    );
    let max_unicode = format!(
        r#"{{"id":"unicode-max","title":"{}","author":"{}","contents":"ü🦀 שָׁלוֹם"}}"#,
        "é".repeat(200),
        "李".repeat(100)
    );
    let max_contents = format!(
        r#"{{"id":"long-read","title":"Long","author":"a","contents":"{}"}}"#,
        "x".repeat(50_000)
    );
    let too_large = format!(
        r#"{{"title":"t","author":"a","contents":"{}"}}"#,
        "x".repeat(ch01_blog_core::MAX_BODY_BYTES)
    );
    vec![
        case("list the seeded posts", "GET", "/blog", 200),
        case("list one post", "GET", "/blog?limit=1", 200),
        case(
            "follow the cursor",
            "GET",
            "/blog?limit=1&cursor={cursor}",
            200,
        ),
        case(
            "follow it again",
            "GET",
            "/blog?limit=1&cursor={cursor}",
            200,
        ),
        case("limit 0", "GET", "/blog?limit=0", 400),
        case("limit 101", "GET", "/blog?limit=101", 400),
        case("limit not a number", "GET", "/blog?limit=ten", 400),
        case("cursor not ours", "GET", "/blog?cursor=garbage", 400),
        post(
            "create with an id",
            201,
            r#"{"id":"parity","title":"Parity","author":"Ada","contents":"Same on both"}"#,
        ),
        post(
            "create without an id",
            201,
            r#"{"title":"Generated","author":"Ada","contents":"id from the server"}"#,
        ),
        with_body(
            case("create with a charset", "POST", "/blog", 201),
            Some("application/json; charset=utf-8"),
            r#"{"title":"Charset","author":"Ada","contents":"utf-8"}"#,
        ),
        with_body(
            case("create without Content-Type", "POST", "/blog", 415),
            None,
            r#"{"title":"t","author":"a","contents":"c"}"#,
        ),
        with_body(
            case("create as text/plain", "POST", "/blog", 415),
            Some("text/plain"),
            r#"{"title":"t","author":"a","contents":"c"}"#,
        ),
        post("invalid JSON", 400, r#"{"title": "#),
        post("empty body", 400, ""),
        post(
            "unknown field",
            400,
            r#"{"title":"t","author":"a","contents":"c","tags":[]}"#,
        ),
        post("missing field", 400, r#"{"title":"t","author":"a"}"#),
        post("title of 201 characters", 400, long_title),
        post(
            "blank author",
            400,
            r#"{"title":"t","author":"   ","contents":"c"}"#,
        ),
        post(
            "id with a slash",
            400,
            r#"{"id":"a/b","title":"t","author":"a","contents":"c"}"#,
        ),
        post("every field at its limit, in unicode", 201, max_unicode),
        post("contents of 50,000 characters", 201, max_contents),
        post("body over 256 KiB", 413, too_large),
        post(
            "an existing id",
            409,
            r#"{"id":"parity","title":"Again","author":"Ada","contents":"Must not overwrite"}"#,
        ),
        case("get a post", "GET", "/blog/parity", 200),
        case("get the unicode post", "GET", "/blog/unicode-max", 200),
        case("get a percent-encoded id", "GET", "/blog/long%2Dread", 200),
        case("get a missing post", "GET", "/blog/missing", 404),
        case("list after the writes", "GET", "/blog?limit=100", 200),
        case("delete a post", "DELETE", "/blog/parity", 204),
        case("delete it again", "DELETE", "/blog/parity", 404),
        case("get the deleted post", "GET", "/blog/parity", 404),
        case("preflight on /blog", "OPTIONS", "/blog", 204),
        case("preflight on /blog/{id}", "OPTIONS", "/blog/hello", 204),
        case("PUT /blog", "PUT", "/blog", 405),
        case("PATCH /blog/{id}", "PATCH", "/blog/hello", 405),
        case("DELETE /blog", "DELETE", "/blog", 405),
        case("POST /blog/{id}", "POST", "/blog/hello", 405),
    ]
}

/// What the parity suite compares.
#[derive(Debug, PartialEq)]
struct Answer {
    status: u16,
    headers: BTreeMap<&'static str, String>,
    body: Value,
}

impl Answer {
    fn of(response: &RawResponse) -> Self {
        let headers = CONTRACT_HEADERS
            .iter()
            .filter_map(|name| {
                response
                    .headers
                    .get(*name)
                    .map(|value| (*name, value.clone()))
            })
            .collect();
        Self {
            status: response.status,
            headers,
            body: response.json_body(),
        }
    }

    fn show(&self) -> String {
        let mut out = format!("  status {}\n", self.status);
        for (name, value) in &self.headers {
            writeln!(out, "  {name}: {value}").unwrap();
        }
        let body = serde_json::to_string(&self.body).unwrap();
        let body = if body.chars().count() > 300 {
            let start: String = body.chars().take(300).collect();
            format!("{start}... ({} bytes)", body.len())
        } else {
            body
        };
        writeln!(out, "  {body}").unwrap();
        out
    }
}

/// One side of the comparison: where it listens, its path prefix, and the cursor it gave last.
struct Side {
    address: SocketAddr,
    prefix: String,
    cursor: String,
}

impl Side {
    async fn send(&mut self, case: &Case) -> RawResponse {
        let target = format!(
            "{}{}",
            self.prefix,
            case.target.replace("{cursor}", &self.cursor)
        );
        let headers: Vec<(&str, &str)> = case
            .content_type
            .map(|value| ("content-type", value))
            .into_iter()
            .collect();
        let response = send(self.address, case.method, &target, &headers, &case.body)
            .await
            .unwrap();
        if let Some(cursor) = response
            .json_body()
            .get("next_cursor")
            .and_then(Value::as_str)
        {
            self.cursor = cursor.to_owned();
        }
        response
    }
}

#[tokio::test]
async fn both_variants_answer_every_request_alike() {
    let cases = cases();
    assert!(
        cases.len() >= 30,
        "the table must have at least 30 requests"
    );
    let backends = Backends::start(seeded_blog().await, seeded_blog().await).await;
    let mut functions = Side {
        address: backends.functions,
        prefix: format!("/{STAGE}"),
        cursor: String::new(),
    };
    let mut container = Side {
        address: backends.container,
        prefix: String::new(),
        cursor: String::new(),
    };

    let mut differences = String::new();
    for case in &cases {
        let from_functions = Answer::of(&functions.send(case).await);
        let from_container = Answer::of(&container.send(case).await);
        if from_functions != from_container {
            write!(
                differences,
                "\n{} {} ({}):\n functions:\n{} container:\n{}",
                case.method,
                case.target,
                case.name,
                from_functions.show(),
                from_container.show()
            )
            .unwrap();
        }
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
    }
    assert!(
        differences.is_empty(),
        "the variants answered differently:{differences}"
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
