//! Build it, chapter 3: the exercise's test. It is compiled only with the crate's `build-it`
//! feature (`cargo test -p ch03-functions --features build-it --test functions build_it`), and
//! fails until the reader's change is made.

use std::net::SocketAddr;
use std::process::Stdio;

use ch01_blog_core::test_support::JsonBody;
use ch01_blog_core::test_support::raw_http::send;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, BufReader};
use tokio::process::Command;

/// `local-api-gateway --throttle-burst 3 --throttle-rate 0.01` admits a burst of three requests,
/// then answers the next `429` with a JSON body of API Gateway's own shape, before any function
/// runs: a token bucket of three tokens, refilled at one token every hundred seconds.
#[tokio::test]
async fn a_burst_past_the_stages_limit_is_api_gateways_429() {
    let mut gateway = Command::new(env!("CARGO_BIN_EXE_local-api-gateway"))
        .args(["--port", "0", "--store", "memory"])
        .args(["--throttle-burst", "3", "--throttle-rate", "0.01"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the local API Gateway starts");
    // Its startup lines: `store: memory`, then `FunctionsURL: http://127.0.0.1:<port>/Prod/`.
    let mut lines = BufReader::new(gateway.stdout.take().expect("stdout")).lines();
    let mut address = None;
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(url) = line.strip_prefix("FunctionsURL: http://") {
            address = url
                .strip_suffix("/Prod/")
                .and_then(|a| a.parse::<SocketAddr>().ok());
            break;
        }
    }
    let Some(address) = address else {
        let mut stderr = String::new();
        let _ = gateway
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr)
            .await;
        panic!("the local API Gateway did not start: {}", stderr.trim());
    };

    let mut answers = Vec::new();
    for _ in 0..4 {
        answers.push(
            send(address, "GET", "/Prod/blog", &[], b"")
                .await
                .expect("an answer"),
        );
    }
    let codes: Vec<u16> = answers.iter().map(|answer| answer.status).collect();
    assert_eq!(codes, [200, 200, 200, 429], "{answers:#?}");
    // API Gateway's own answers carry a JSON body with one `message`.
    let body = answers[3].json_body();
    assert!(body["message"].is_string(), "{body}");
}
