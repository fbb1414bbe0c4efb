//! The real `blog-server` binary on a free port, spoken to over real sockets.

use std::time::{Duration, Instant};

use ch01_blog_core::test_support::JsonBody;
use ch01_blog_core::test_support::raw_http::{read_response, request_head, send};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::Server;

const JSON: (&str, &str) = ("content-type", "application/json");

#[tokio::test]
async fn health_then_create_get_list_delete() {
    let server = Server::start(&[], []);
    let health = send(server.address, "GET", "/health", &[], b"")
        .await
        .unwrap();
    assert_eq!(health.status, 200);
    assert_eq!(health.json_body(), json!({"status": "ok"}));

    let body = br#"{"id":"black-box","title":"Hello","author":"Ada","contents":"Over a socket"}"#;
    let created = send(server.address, "POST", "/blog", &[JSON], body)
        .await
        .unwrap();
    assert_eq!(created.status, 201);
    assert_eq!(created.headers["location"], "/blog/black-box");
    let fetched = send(server.address, "GET", "/blog/black-box", &[], b"")
        .await
        .unwrap();
    assert_eq!(fetched.json_body(), created.json_body());
    let listed = send(server.address, "GET", "/blog?limit=10", &[], b"")
        .await
        .unwrap();
    assert_eq!(listed.json_body()["posts"][0]["id"], "black-box");
    let deleted = send(server.address, "DELETE", "/blog/black-box", &[], b"")
        .await
        .unwrap();
    assert_eq!(deleted.status, 204);
    assert!(deleted.body.is_empty());
    let gone = send(server.address, "GET", "/blog/black-box", &[], b"")
        .await
        .unwrap();
    assert_eq!(gone.status, 404);
}

#[tokio::test]
async fn cors_allow_origin_names_the_one_origin_on_every_answer() {
    // What the stack's `-c allowedOrigin` sets; unset, the answers allow any origin (`*`).
    let origin = "https://blog.example.com";
    let server = Server::start(&[], [(ch01_blog_core::CORS_ORIGIN_ENV, origin)]);
    for (method, path) in [("GET", "/blog"), ("OPTIONS", "/blog"), ("PUT", "/blog/x")] {
        let answer = send(server.address, method, path, &[], b"").await.unwrap();
        assert_eq!(
            answer.headers["access-control-allow-origin"], origin,
            "{method} {path}"
        );
    }
    let default = Server::start(&[], []);
    let answer = send(default.address, "GET", "/blog", &[], b"")
        .await
        .unwrap();
    assert_eq!(answer.headers["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn a_one_megabyte_body_is_413() {
    let server = Server::start(&[], []);
    let response = send(
        server.address,
        "POST",
        "/blog",
        &[JSON],
        &vec![b'x'; 1024 * 1024],
    )
    .await
    .unwrap();
    assert_eq!(response.status, 413);
    assert_eq!(response.json_body()["code"], "payload_too_large");
}

#[tokio::test]
async fn a_chunked_one_megabyte_body_is_413_before_it_is_all_sent() {
    let server = Server::start(&[], []);
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    let head = request_head("POST", "/blog", &[JSON, ("transfer-encoding", "chunked")]);
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("4000\r\n{}\r\n", "x".repeat(0x4000));
    let mut sent = 0;
    // The server answers and closes once 256 KiB are in; writing then fails, well before 1 MB.
    while sent < 1024 * 1024 {
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
        sent += 0x4000;
    }
    let response = read_response(stream).await.unwrap();
    assert_eq!(response.status, 413);
}

#[tokio::test]
async fn malformed_json_is_400_invalid_json() {
    let server = Server::start(&[], []);
    let response = send(server.address, "POST", "/blog", &[JSON], b"{\"title\": ")
        .await
        .unwrap();
    assert_eq!(response.status, 400);
    assert_eq!(response.json_body()["code"], "invalid_json");
}

#[tokio::test]
async fn another_method_is_405_with_allow() {
    let server = Server::start(&[], []);
    let response = send(server.address, "PATCH", "/blog/x", &[], b"")
        .await
        .unwrap();
    assert_eq!(response.status, 405);
    assert_eq!(response.headers["allow"], "GET, DELETE, OPTIONS");
    assert_eq!(response.json_body()["code"], "method_not_allowed");
}

#[tokio::test]
async fn a_client_that_stalls_mid_body_gets_408_and_the_server_stays_healthy() {
    let server = Server::start(&["--body-timeout-secs", "1"], []);
    let mut stalled = TcpStream::connect(server.address).await.unwrap();
    let head = request_head("POST", "/blog", &[JSON, ("content-length", "100")]);
    stalled.write_all(head.as_bytes()).await.unwrap();
    stalled.write_all(b"{\"title\":").await.unwrap();
    // ...and nothing more. The server gives up after its body timeout.
    let started = Instant::now();
    let response = tokio::time::timeout(Duration::from_secs(10), read_response(stalled))
        .await
        .expect("the server must not wait forever")
        .unwrap();
    assert_eq!(response.status, 408);
    assert_eq!(response.json_body()["code"], "request_timeout");
    assert!(started.elapsed() >= Duration::from_millis(900));

    let health = send(server.address, "GET", "/health", &[], b"")
        .await
        .unwrap();
    assert_eq!(health.status, 200);
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_the_idle_timeout() {
    let server = Server::start(&["--idle-timeout-secs", "1"], []);
    let mut idle = TcpStream::connect(server.address).await.unwrap();
    let mut buffer = [0u8; 64];
    // Sends nothing: the server closes the connection (read returns 0, or a reset).
    let read = tokio::time::timeout(Duration::from_secs(10), idle.read(&mut buffer))
        .await
        .expect("the server must close an idle connection");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
}

/// What `cargo run -p ch04-container` prints, with the default address.
#[test]
fn the_startup_line_with_the_default_port() {
    use ch04_container::config::{DEFAULT_PORT, startup_line};
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT));
    insta::assert_snapshot!(startup_line(address));
}

/// What `cargo run -p ch04-container -- --help` prints: every setting, its variable and default.
#[test]
fn the_help_lists_every_setting() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_blog-server"))
        .arg("--help")
        // clap shows a variable's value when it is set: the help of an unconfigured shell.
        .env_remove("HOST")
        .env_remove("PORT")
        .env_remove("BLOG_STORE")
        .env_remove("BODY_TIMEOUT_SECS")
        .env_remove("IDLE_TIMEOUT_SECS")
        .env_remove("SHUTDOWN_GRACE_SECS")
        .output()
        .expect("blog-server runs");
    assert!(output.status.success(), "{output:?}");
    let help = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(help.contains("--port"), "{help}");
    insta::assert_snapshot!(help);
}
