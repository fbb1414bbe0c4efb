//! A short session with the real server, written the way `curl -i` shows it. The book includes
//! this snapshot instead of a typed transcript. The `date` header and `created_at` change on every
//! run and are replaced by placeholders; everything else is byte for byte what the server sent.

mod common;

use std::fmt::Write as _;

use ch04_container::raw_http::send;
use common::Server;

/// The command shown, then the method, target, headers and body the test sends for it.
type Step<'a> = (&'a str, &'a str, &'a str, &'a [(&'a str, &'a str)], &'a str);

#[tokio::test]
async fn a_curl_session() {
    let server = Server::start(&[], &[]);
    let json = ("content-type", "application/json");
    let steps: [Step; 6] = [
        ("curl -i localhost:8080/health", "GET", "/health", &[], ""),
        (
            r#"curl -i localhost:8080/blog -H 'content-type: application/json' -d '{"id":"hello","title":"Hello","author":"Ada","contents":"From a container"}'"#,
            "POST",
            "/blog",
            &[json],
            r#"{"id":"hello","title":"Hello","author":"Ada","contents":"From a container"}"#,
        ),
        (
            "curl -i 'localhost:8080/blog?limit=1'",
            "GET",
            "/blog?limit=1",
            &[],
            "",
        ),
        (
            "curl -i -X PUT localhost:8080/blog/hello",
            "PUT",
            "/blog/hello",
            &[],
            "",
        ),
        (
            "curl -i -X DELETE localhost:8080/blog/hello",
            "DELETE",
            "/blog/hello",
            &[],
            "",
        ),
        ("curl -i localhost:8080/nowhere", "GET", "/nowhere", &[], ""),
    ];
    let mut transcript = String::new();
    for (command, method, target, headers, body) in steps {
        let response = send(server.address, method, target, headers, body.as_bytes())
            .await
            .unwrap();
        writeln!(transcript, "$ {command}").unwrap();
        for line in response.head.lines() {
            let line = if line.starts_with("date:") {
                "date: <date>"
            } else {
                line
            };
            writeln!(transcript, "{line}").unwrap();
        }
        writeln!(transcript).unwrap();
        let body = String::from_utf8(response.body).unwrap();
        let body = redact_created_at(&body);
        if !body.is_empty() {
            writeln!(transcript, "{body}").unwrap();
        }
        writeln!(transcript).unwrap();
    }
    insta::assert_snapshot!(transcript);
}

/// Replaces the value of every `"created_at":"..."` with `<created_at>`.
fn redact_created_at(text: &str) -> String {
    let key = r#""created_at":""#;
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(key) {
        let value_start = start + key.len();
        let value_end = value_start + rest[value_start..].find('"').unwrap();
        out.push_str(&rest[..value_start]);
        out.push_str("<created_at>");
        rest = &rest[value_end..];
    }
    out.push_str(rest);
    out
}
