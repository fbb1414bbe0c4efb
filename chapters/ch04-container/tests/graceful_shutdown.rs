//! SIGTERM while slow requests are in flight: they finish, new connections are refused, and the
//! process exits 0. This is what ECS does to a task on every deployment and scale-in.

mod common;

use std::time::{Duration, Instant};

use ch04_container::raw_http::{read_response, request_head};
use common::Server;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

#[tokio::test]
async fn sigterm_lets_requests_in_flight_finish_refuses_new_ones_and_exits_0() {
    let mut server = Server::start(
        &["--body-timeout-secs", "10", "--shutdown-grace-secs", "10"],
        &[],
    );

    // Three slow requests: each has sent its headers and half its body.
    let mut slow = Vec::new();
    for n in 0..3 {
        let body =
            format!(r#"{{"id":"slow-{n}","title":"Slow","author":"Ada","contents":"Late"}}"#);
        let length = body.len().to_string();
        let mut stream = TcpStream::connect(server.address).await.unwrap();
        let head = request_head(
            "POST",
            "/blog",
            &[
                ("content-type", "application/json"),
                ("content-length", &length),
            ],
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let (first, rest) = body.split_at(body.len() / 2);
        stream.write_all(first.as_bytes()).await.unwrap();
        slow.push((stream, rest.to_owned()));
    }
    // Let the server accept all three and start reading their bodies.
    tokio::time::sleep(Duration::from_millis(500)).await;

    server.terminate();

    // The listener closes: a new connection is soon refused by the operating system. (Polled,
    // not slept on, so a slow machine does not make the test flaky.)
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match TcpStream::connect(server.address).await {
            Err(_) => break,
            Ok(_) => assert!(
                Instant::now() < deadline,
                "new connections still accepted after SIGTERM"
            ),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The requests in flight still complete.
    for (mut stream, rest) in slow {
        stream.write_all(rest.as_bytes()).await.unwrap();
        let response = read_response(stream).await.unwrap();
        assert_eq!(
            response.status,
            201,
            "{:?}",
            String::from_utf8_lossy(&response.body)
        );
    }

    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the server did not exit"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status.code(), Some(0));
}
