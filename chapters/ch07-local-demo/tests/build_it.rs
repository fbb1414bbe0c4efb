//! Build it, chapter 7: the exercise's test. It is compiled only with the crate's `build-it`
//! feature (`cargo test -p ch07-local-demo --features build-it --test build_it`), and fails until
//! the reader's change is made.
#![cfg(feature = "build-it")]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// The demo, started with `--seed` on free ports, its page and book on free ports too, and the
/// web-adapter backend pointed elsewhere so that no adapter process starts.
struct Demo(Child);

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `local-demo --seed` starts with three example posts, which both backends list, since they
/// share one store.
#[test]
fn the_demo_can_start_with_example_posts() {
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
    command
        .args(["--web-adapter-url", "http://127.0.0.1:9/Prod/"])
        .env_remove("BLOG_STORE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut demo = Demo(command.spawn().expect("the demo starts"));

    // The startup lines, up to the last one: the demo listens on every port once it prints it.
    let mut lines = Vec::new();
    let stdout = demo.0.stdout.take().expect("stdout");
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        let ready = line.starts_with("Ctrl-C");
        lines.push(line);
        if ready {
            break;
        }
    }
    if !lines.last().is_some_and(|line| line.starts_with("Ctrl-C")) {
        let mut stderr = String::new();
        let _ = demo
            .0
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr);
        panic!("the demo stopped before it was ready: {}", stderr.trim());
    }
    let url = |name: &str| {
        lines
            .iter()
            .find_map(|line| line.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name} in {lines:#?}"))
            .to_owned()
    };

    let functions = ids(&get(&url("FunctionsURL"), "blog"));
    let containers = ids(&get(&url("ContainersURL"), "blog"));
    assert_eq!(functions.len(), 3, "the functions list {functions:?}");
    assert_eq!(functions, containers, "both backends list the same posts");
}

/// `GET <base>path`, over a connection of its own; the answer's body.
fn get(base: &str, path: &str) -> serde_json::Value {
    let rest = base.strip_prefix("http://").expect("an http URL");
    let (host, prefix) = rest.split_once('/').expect("a path");
    let mut stream = TcpStream::connect(host).expect("the backend listens");
    write!(
        stream,
        "GET /{prefix}{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    assert!(head.starts_with("HTTP/1.1 200"), "{base}{path}: {head}");
    serde_json::from_str(body).unwrap_or_else(|err| panic!("{base}{path}: {err}: {body}"))
}

fn ids(list: &serde_json::Value) -> Vec<String> {
    list["posts"]
        .as_array()
        .expect("a list of posts")
        .iter()
        .map(|post| post["id"].as_str().expect("an id").to_owned())
        .collect()
}
