//! The parity suite's table and its comparison: every request of the table goes to two variants
//! over real HTTP, and both must answer with the same status, the same JSON body and the
//! contract's headers. Chapter 5 compares the functions with the container; later chapters run
//! the same table against their shapes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;

use ch01_blog_core::test_support::JsonBody;
use ch01_blog_core::test_support::raw_http::{RawResponse, send};
use serde_json::Value;

use crate::Variant;

/// The headers the contract specifies; both answers must carry the same values (or both none).
pub const CONTRACT_HEADERS: [&str; 8] = [
    "content-type",
    "access-control-allow-origin",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
    "allow",
    "location",
];

pub const JSON: Option<&str> = Some("application/json");

/// One row of the table: what to send, and the status the contract expects.
#[derive(Debug)]
pub struct Case {
    pub name: &'static str,
    pub method: &'static str,
    /// Below the base URL; `{cursor}` is replaced by the last `next_cursor` each side returned.
    pub target: &'static str,
    pub content_type: Option<&'static str>,
    pub body: Vec<u8>,
    pub status: u16,
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

pub fn cases() -> Vec<Case> {
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
pub struct Answer {
    pub status: u16,
    pub headers: BTreeMap<&'static str, String>,
    pub body: Value,
}

impl Answer {
    pub fn of(response: &RawResponse) -> Self {
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

    pub fn show(&self) -> String {
        let mut out = format!("  status {}\n", self.status);
        for (name, value) in &self.headers {
            writeln!(out, "  {name}: {value}").expect("writing to a String");
        }
        let body = serde_json::to_string(&self.body).expect("JSON");
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
#[derive(Debug)]
pub struct Side {
    address: SocketAddr,
    prefix: String,
    cursor: String,
}

impl Side {
    /// A side for a variant.
    pub fn of(variant: &Variant) -> Self {
        Self {
            address: variant.address,
            prefix: variant.prefix.clone(),
            cursor: String::new(),
        }
    }

    /// Sends one case, with the cursor this side gave last.
    pub async fn send(&mut self, case: &Case) -> RawResponse {
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

/// Sends every case to both sides in turn, and describes each answer that differs (empty when
/// they all agree). `check` sees each case with both answers, for the caller's own assertions.
pub async fn compare(
    cases: &[Case],
    (a_name, a): (&str, &mut Side),
    (b_name, b): (&str, &mut Side),
    mut check: impl FnMut(&Case, &Answer, &Answer),
) -> String {
    let mut differences = String::new();
    for case in cases {
        let from_a = Answer::of(&a.send(case).await);
        let from_b = Answer::of(&b.send(case).await);
        if from_a != from_b {
            write!(
                differences,
                "\n{} {} ({}):\n {a_name}:\n{} {b_name}:\n{}",
                case.method,
                case.target,
                case.name,
                from_a.show(),
                from_b.show()
            )
            .expect("writing to a String");
        }
        check(case, &from_a, &from_b);
    }
    differences
}
