//! Build it, chapter 3: the exercise's test. It is compiled only with the crate's `build-it`
//! feature (`cargo test -p ch03-functions --features build-it --test functions build_it`), and
//! fails until the reader's change is made.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// The local API Gateway, as a process of its own.
struct Gateway(Child);

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `local-api-gateway --throttle-burst 3 --throttle-rate 0.01` admits a burst of three requests,
/// then answers the next `429` with a JSON body of API Gateway's own shape, before any function runs: a
/// token bucket of three tokens, refilled at one token every hundred seconds.
#[test]
fn a_burst_past_the_stages_limit_is_api_gateways_429() {
    let mut gateway = Gateway(
        Command::new(env!("CARGO_BIN_EXE_local-api-gateway"))
            .args(["--port", "0", "--store", "memory"])
            .args(["--throttle-burst", "3", "--throttle-rate", "0.01"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the local API Gateway starts"),
    );
    // Its startup lines: `store: memory`, then `FunctionsURL: http://127.0.0.1:<port>/Prod/`.
    let stdout = gateway.0.stdout.take().expect("stdout");
    let url = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("FunctionsURL: ").map(str::to_owned));
    let Some(url) = url else {
        let mut stderr = String::new();
        let _ = gateway
            .0
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr);
        panic!("the local API Gateway did not start: {}", stderr.trim());
    };

    let statuses: Vec<(u16, String)> = (0..4).map(|_| get(&url, "blog")).collect();
    let codes: Vec<u16> = statuses.iter().map(|(status, _)| *status).collect();
    assert_eq!(codes, [200, 200, 200, 429], "{statuses:#?}");
    // API Gateway's own answers carry a JSON body with one `message`.
    let body: serde_json::Value = serde_json::from_str(&statuses[3].1).expect("a JSON body");
    assert!(body["message"].is_string(), "{body}");
}

/// `GET <base>path` on a connection of its own: the status and the body.
fn get(base: &str, path: &str) -> (u16, String) {
    let rest = base.strip_prefix("http://").expect("an http URL");
    let (host, prefix) = rest.split_once('/').expect("a path");
    let mut stream = TcpStream::connect(host).expect("the gateway listens");
    write!(
        stream,
        "GET /{prefix}{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {head}"));
    (status, body.to_owned())
}
