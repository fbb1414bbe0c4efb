//! Build it, chapter 7: the exercise's test. It is compiled only with the crate's `build-it`
//! feature (`cargo test -p ch07-local-demo --features build-it --test build_it`), and fails until
//! the reader's change is made.
#![cfg(feature = "build-it")]

use std::net::SocketAddr;
use std::process::Stdio;

use ch01_blog_core::test_support::JsonBody;
use ch01_blog_core::test_support::raw_http::send;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, BufReader};
use tokio::process::Command;

/// `local-demo --seed` starts with three example posts, which both backends list, since they
/// share one store. The demo runs on free ports, its web-adapter backend pointed elsewhere so
/// that no adapter process starts.
#[tokio::test]
async fn the_demo_can_start_with_example_posts() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_local-demo"));
    command.arg("--seed");
    for port in [
        "--functions-port",
        "--containers-port",
        "--all-routes-port",
        "--http-api-port",
        "--all-routes-function-port",
        "--demo-port",
        "--book-port",
    ] {
        command.args([port, "0"]);
    }
    let mut demo = command
        .args(["--web-adapter-url", "http://127.0.0.1:9/Prod/"])
        .env_remove("BLOG_STORE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the demo starts");

    // The startup lines, up to the last one: the demo listens on every port once it prints it.
    let mut reader = BufReader::new(demo.stdout.take().expect("stdout")).lines();
    let mut lines = Vec::new();
    while let Ok(Some(line)) = reader.next_line().await {
        let ready = line.starts_with("Ctrl-C");
        lines.push(line);
        if ready {
            break;
        }
    }
    if !lines.last().is_some_and(|line| line.starts_with("Ctrl-C")) {
        let mut stderr = String::new();
        let _ = demo
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr)
            .await;
        panic!("the demo stopped before it was ready: {}", stderr.trim());
    }
    // `<name>: http://<address><path>`: the address, and the path the API starts at.
    let backend = |name: &str| -> (SocketAddr, String) {
        let url = lines
            .iter()
            .find_map(|line| line.strip_prefix(&format!("{name}: http://")))
            .unwrap_or_else(|| panic!("no {name} in {lines:#?}"));
        let (address, path) = url.split_at(url.find('/').expect("a path"));
        (address.parse().expect("an address"), path.to_owned())
    };

    let mut listed = Vec::new();
    for name in ["FunctionsURL", "ContainersURL"] {
        let (address, path) = backend(name);
        let answer = send(address, "GET", &format!("{path}blog"), &[], b"")
            .await
            .expect("an answer");
        assert_eq!(answer.status, 200, "{name}: {answer:?}");
        let ids: Vec<String> = answer.json_body()["posts"]
            .as_array()
            .expect("a list of posts")
            .iter()
            .map(|post| post["id"].as_str().expect("an id").to_owned())
            .collect();
        listed.push(ids);
    }
    assert_eq!(listed[0].len(), 3, "the functions list {:?}", listed[0]);
    assert_eq!(listed[0], listed[1], "both backends list the same posts");
}
