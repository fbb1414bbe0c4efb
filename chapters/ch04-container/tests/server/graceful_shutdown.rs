//! SIGTERM while slow requests are in flight: they finish, new connections are refused, and the
//! process exits 0. This is what ECS does to a task on every deployment and scale-in.

use std::time::{Duration, Instant};

use ch01_blog_core::test_support::raw_http::{read_response, request_head};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::Server;

/// Opens a `POST /blog` of `length` bytes that asks `Expect: 100-continue`, and returns once
/// the server has answered `100 Continue`: the event that proves the request is in the server's
/// hands (hyper answers it when the handler starts reading the body).
async fn upload_in_flight(server: &Server, length: usize) -> TcpStream {
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    let head = request_head(
        "POST",
        "/blog",
        &[
            ("content-type", "application/json"),
            ("content-length", &length.to_string()),
            ("expect", "100-continue"),
        ],
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut interim = Vec::new();
    while !interim.ends_with(b"\r\n\r\n") {
        interim.push(stream.read_u8().await.expect("the server answers"));
    }
    assert!(interim.starts_with(b"HTTP/1.1 100 Continue"));
    stream
}

#[tokio::test]
async fn sigterm_lets_requests_in_flight_finish_refuses_new_ones_and_exits_0() {
    let mut server = Server::start(
        &["--body-timeout-secs", "10", "--shutdown-grace-secs", "10"],
        [],
    );

    // Three slow uploads. Each asks `Expect: 100-continue`: hyper answers `100 Continue` when the
    // handler starts reading the body, so once we have read it, the server has accepted the
    // connection and is inside this request. That event, not a sleep, is what we wait for.
    let mut slow = Vec::new();
    for n in 0..3 {
        let body =
            format!(r#"{{"id":"slow-{n}","title":"Slow","author":"Ada","contents":"Late"}}"#);
        let mut stream = upload_in_flight(&server, body.len()).await;
        let (first, rest) = body.split_at(body.len() / 2);
        stream.write_all(first.as_bytes()).await.unwrap();
        slow.push((stream, rest.to_owned()));
    }

    server.terminate();

    // The listener closes: a new connection is soon refused by the operating system (polled
    // until it happens).
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpStream::connect(server.address).await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "new connections still accepted after SIGTERM"
        );
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

    let status = server.exit_status(Duration::from_secs(10)).await;
    assert_eq!(status.code(), Some(0));
}

/// SIGTERM with 100 writes in flight, on DynamoDB: every one completes with `201`, every
/// acknowledged post is in the table, and the process exits 0 within its grace.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_with_100_writes_in_flight_loses_none() {
    use aws_sdk_dynamodb::types::AttributeValue;
    use ch02_dynamodb::local::LocalDynamo;

    let dynamo = LocalDynamo::shared();
    let table = dynamo.fresh_store().await.table().to_owned();
    let mut server = Server::start(
        &["--store", "dynamodb", "--shutdown-grace-secs", "15"],
        dynamo
            .aws_env()
            .into_iter()
            .chain([("TABLE_NAME", table.as_str())]),
    );

    // 100 uploads, each inside its request (the server has asked for the body).
    let mut in_flight = Vec::new();
    for n in 0..100 {
        let body =
            format!(r#"{{"id":"load-{n}","title":"Load","author":"Ada","contents":"In flight"}}"#);
        let stream = upload_in_flight(&server, body.len()).await;
        in_flight.push((stream, body));
    }

    server.terminate();
    let started = Instant::now();
    let mut finishing = tokio::task::JoinSet::new();
    for (mut stream, body) in in_flight {
        finishing.spawn(async move {
            stream.write_all(body.as_bytes()).await.unwrap();
            read_response(stream).await.unwrap().status
        });
    }
    let statuses = finishing.join_all().await;
    assert!(statuses.iter().all(|status| *status == 201), "{statuses:?}");

    let status = server.exit_status(Duration::from_secs(15)).await;
    assert_eq!(status.code(), Some(0));
    assert!(started.elapsed() < Duration::from_secs(15));

    for n in 0..100 {
        let item = dynamo
            .client()
            .get_item()
            .table_name(&table)
            .key("id", AttributeValue::S(format!("load-{n}")))
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .item;
        assert!(
            item.is_some(),
            "load-{n} was acknowledged but is not in the table"
        );
    }
}
