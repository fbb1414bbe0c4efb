//! A short session with the real server, written the way `curl -i` shows it. The book includes
//! this snapshot instead of a typed transcript. Each step is described once: the `curl` command
//! shown and the request sent are both made from it. The `date` header, `created_at` and the
//! request ids (random here, with no load balancer in front) change on every run and are replaced
//! by placeholders (insta filters); everything else is byte for byte what the server sent.

use std::fmt::Write as _;

use ch01_blog_core::test_support::raw_http::send;

use crate::support::Server;

/// One request of the session.
struct Step {
    method: &'static str,
    target: &'static str,
    /// A JSON body, sent with `content-type: application/json`.
    json: Option<&'static str>,
}

impl Step {
    /// The `curl` command that sends this request to a server on the default port.
    fn curl(&self) -> String {
        let url = format!("localhost:8080{}", self.target);
        let url = if url.contains(['?', '&']) {
            format!("'{url}'")
        } else {
            url
        };
        let mut command = String::from("curl -i");
        let implied = match self.json {
            Some(_) => "POST",
            None => "GET",
        };
        if self.method != implied {
            write!(command, " -X {}", self.method).unwrap();
        }
        write!(command, " {url}").unwrap();
        if let Some(json) = self.json {
            write!(command, " -H 'content-type: application/json' -d '{json}'").unwrap();
        }
        command
    }
}

const fn step(method: &'static str, target: &'static str) -> Step {
    Step {
        method,
        target,
        json: None,
    }
}

#[tokio::test]
async fn a_curl_session() {
    let server = Server::start(&[], []);
    let steps = [
        step("GET", "/health"),
        Step {
            method: "POST",
            target: "/blog",
            json: Some(
                r#"{"id":"hello","title":"Hello","author":"Ada","contents":"From a container"}"#,
            ),
        },
        step("GET", "/blog?limit=1"),
        step("PUT", "/blog/hello"),
        step("DELETE", "/blog/hello"),
        step("GET", "/nowhere"),
    ];
    let mut transcript = String::new();
    for step in steps {
        let headers: &[(&str, &str)] = match step.json {
            Some(_) => &[("content-type", "application/json")],
            None => &[],
        };
        let body = step.json.unwrap_or_default();
        let response = send(
            server.address,
            step.method,
            step.target,
            headers,
            body.as_bytes(),
        )
        .await
        .unwrap();
        writeln!(transcript, "$ {}", step.curl()).unwrap();
        writeln!(transcript, "{}\n", response.head.replace("\r\n", "\n")).unwrap();
        let body = String::from_utf8(response.body).unwrap();
        if !body.is_empty() {
            writeln!(transcript, "{body}").unwrap();
        }
        writeln!(transcript).unwrap();
    }
    insta::with_settings!({filters => vec![
        (r"(?m)^date: .*$", "date: <date>"),
        (r"(?m)^x-request-id: [0-9a-f-]{36}$", "x-request-id: <random id>"),
        (r#""created_at":"[^"]*""#, r#""created_at":"<created_at>""#),
    ]}, {
        insta::assert_snapshot!(transcript);
    });
}
