//! Chapter 11's tests: an export of more than 20 MB, streamed by the real `export-posts` binary
//! behind each door that streams and by the container; the same export answered whole; and a
//! store that fails in the middle of the stream. DynamoDB is moto.

// The book's "Build it" exercise: it fails until the reader's change is made.
#[cfg(feature = "build-it")]
mod build_it;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use ch01_blog_core::http::{Method, Request, StatusCode};
use ch01_blog_core::{Blog, Post, PostStore};
use ch02_dynamodb::client::local_client;
use ch02_dynamodb::fault::{Fault, FaultProxy};
use ch02_dynamodb::local::LocalDynamo;
use ch02_dynamodb::{CONNECT_AT_INIT_ENV, DynamoStore, TABLE_NAME_ENV};
use ch03_functions::invoke_service_with;
use ch03_functions::local_gateway::door::LAMBDA_MAX_STREAMED_RESPONSE_BYTES;
use ch03_functions::local_gateway::event::DoorEvent;
use ch03_functions::local_gateway::{Backend, Door, Limits, LocalApiGateway, ProxyHandler};
use ch03_functions::runtime_api::RuntimeApi;
use ch04_container::router::App;
use ch11_streaming::door::{
    Delivery, Ended, Environment, HTTP_INTEGRATION_RESPONSE, Invoked, MAX_PRELUDE_BYTES,
    PRELUDE_DELIMITER, StreamingDoor, TransferMode,
};
use ch11_streaming::export::{EXPORT_PATH, NDJSON, end_line};
use ch11_streaming::function::{FUNCTION_NAME, respond_buffered};
use chrono::{TimeZone as _, Utc};
use http_body_util::{BodyExt as _, Empty};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// The export the tests stream: more than 20 MB (20 × 2^20 bytes).
const EXPORT_AT_LEAST: usize = 20 * 1024 * 1024;

/// Characters in each post's contents: the contract's largest post is 50,000.
const CONTENTS: usize = 50_000;

/// A table on moto holding enough posts of the largest size for an export over 20 MB.
async fn large_table() -> (DynamoStore, usize) {
    let posts = EXPORT_AT_LEAST / CONTENTS + 1;
    (table_of(posts, CONTENTS).await, posts)
}

/// A table on moto holding `posts` posts of `contents` characters each, one a second from
/// 2026-01-01, with ids `post-0000` onwards.
async fn table_of(posts: usize, contents: usize) -> DynamoStore {
    let store = LocalDynamo::shared().fresh_store().await;
    for n in 0..posts {
        let post = Post {
            id: format!("post-{n:04}"),
            title: format!("Post {n}"),
            author: "Ada".to_owned(),
            contents: char::from(b'a' + (n % 26) as u8)
                .to_string()
                .repeat(contents),
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
                + chrono::Duration::seconds(n as i64),
        };
        store.create(&post).await.expect("moto stores the post");
    }
    store
}

/// The environment a function (or the server) needs to use `table` on DynamoDB at `endpoint`.
fn store_env(table: &str, endpoint: &str) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = LocalDynamo::shared()
        .aws_env()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .into();
    env.retain(|(name, _)| name != "AWS_ENDPOINT_URL_DYNAMODB");
    env.extend([
        ("AWS_ENDPOINT_URL_DYNAMODB".to_owned(), endpoint.to_owned()),
        ("BLOG_STORE".to_owned(), "dynamodb".to_owned()),
        (TABLE_NAME_ENV.to_owned(), table.to_owned()),
        (CONNECT_AT_INIT_ENV.to_owned(), "false".to_owned()),
    ]);
    env
}

/// The real function binary in an execution environment, on `table` at `endpoint`.
async fn function(table: &str, endpoint: &str) -> Environment {
    Environment::start(
        std::path::Path::new(env!("CARGO_BIN_EXE_export-posts")),
        FUNCTION_NAME,
        &store_env(table, endpoint),
    )
    .await
    .expect("the function starts")
}

/// The container's server with the export, on `store`: its address.
async fn container(store: DynamoStore) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().expect("an address");
    let app = Arc::new(App {
        blog: Blog::new(Arc::new(store)),
        body_timeout: Duration::from_secs(10),
    });
    tokio::spawn(ch04_container::server::serve(
        listener,
        app,
        Duration::from_secs(60),
        Duration::from_secs(5),
        std::future::pending(),
    ));
    address
}

/// What a client received.
#[derive(Debug)]
struct Received {
    status: StatusCode,
    content_type: String,
    /// The whole body, or the bytes that came before the connection failed.
    body: Bytes,
    /// Whether the response ended as HTTP says a response ends.
    complete: bool,
}

/// `GET path` from `address`, read to its end or to the connection's failure.
async fn get(address: std::net::SocketAddr, path: &str) -> Received {
    let stream = TcpStream::connect(address).await.expect("connect");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(connection);
    let request = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header("host", "localhost")
        .body(Empty::<Bytes>::new())
        .expect("a request");
    let response = sender.send_request(request).await.expect("a response");
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut body = response.into_body();
    let mut received = Vec::new();
    let complete = loop {
        match body.frame().await {
            None => break true,
            Some(Err(_)) => break false,
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    received.extend_from_slice(&data);
                }
            }
        }
    };
    Received {
        status,
        content_type,
        body: received.into(),
        complete,
    }
}

/// The lines of an export, each checked to be JSON.
fn json_lines(body: &[u8]) -> Vec<serde_json::Value> {
    body.split(|byte| *byte == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_slice(line).expect("every line is JSON"))
        .collect()
}

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

// ANCHOR: streamed
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_over_20_mb_streams_whole_and_identical_through_each_door_and_the_container() {
    let (store, posts) = large_table().await;
    let table = store.table().to_owned();
    let endpoint = LocalDynamo::shared().endpoint().to_owned();

    let from_container = get(container(store).await, EXPORT_PATH).await;
    let rest_api = Arc::new(StreamingDoor::new(
        Door::RestApi,
        TransferMode::Stream,
        function(&table, &endpoint).await,
    ));
    let url = Arc::new(StreamingDoor::new(
        Door::FunctionUrl,
        TransferMode::Stream,
        function(&table, &endpoint).await,
    ));
    let stage_path = format!("/{}{EXPORT_PATH}", ch03_functions::STAGE);
    let from_rest = get(rest_api.start_on_loopback().await.unwrap(), &stage_path).await;
    let from_url = get(url.start_on_loopback().await.unwrap(), EXPORT_PATH).await;

    // The container's answer is the reference: whole, every post, then the end line.
    assert_eq!(from_container.status, StatusCode::OK);
    assert!(from_container.complete);
    assert!(from_container.body.len() > EXPORT_AT_LEAST);
    let lines = json_lines(&from_container.body);
    assert_eq!(
        lines.len(),
        posts + 1,
        "one line per post, and the end line"
    );
    assert_eq!(
        lines[0]["id"],
        format!("post-{:04}", posts - 1),
        "newest first"
    );
    assert!(from_container.body.ends_with(end_line(posts).as_bytes()));

    let mut table = String::from(
        "| from | status | Content-Type | body | lines | whole | least time on Lambda |\n\
         |---|---|---|---|---|---|---|\n",
    );
    let _ = writeln!(
        table,
        "| the container | {} | `{}` | {} | {} | yes | |",
        from_container.status.as_u16(),
        from_container.content_type,
        mib(from_container.body.len()),
        lines.len(),
    );
    for (name, received, door) in [
        ("the REST API (`STREAM`)", &from_rest, &rest_api),
        ("the function URL (`RESPONSE_STREAM`)", &from_url, &url),
    ] {
        assert_eq!(received.status, StatusCode::OK, "{name}");
        assert_eq!(received.content_type, NDJSON, "{name}");
        assert!(received.complete, "{name}");
        assert!(
            received.body == from_container.body,
            "{name}: the same bytes as the container's"
        );
        let [delivery] = door.deliveries().try_into().expect("one delivery");
        assert_eq!(
            delivery,
            Delivery {
                status: 200,
                body_bytes: received.body.len(),
                ended: Ended::Whole,
            }
        );
        let _ = writeln!(
            table,
            "| {name} | {} | `{}` | {} | {} | yes | {:.1} s |",
            received.status.as_u16(),
            received.content_type,
            mib(received.body.len()),
            json_lines(&received.body).len(),
            delivery.least_time_on_lambda().as_secs_f64(),
        );
    }
    insta::assert_snapshot!("streamed", table);
}
// ANCHOR_END: streamed

// ANCHOR: buffered
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_export_answered_whole_is_each_doors_answer_for_a_failed_function() {
    let (store, _) = large_table().await;
    let store: Arc<dyn PostStore> = Arc::new(store);
    // The export as `lambda_http::run` would answer it: collected, then posted whole.
    let handler: ProxyHandler = Arc::new(move |event: DoorEvent| {
        let store = Arc::clone(&store);
        Box::pin(async move {
            let service = lambda_http::service_fn(move |request| {
                respond_buffered(Arc::clone(&store), request)
            });
            invoke_service_with(service, event.into_lambda_request()).await
        })
    });
    let mut table = String::from("| door | status | body |\n|---|---|---|\n");
    for (name, door, path, status) in [
        (
            "REST API",
            Door::RestApi,
            "/Prod/export",
            StatusCode::BAD_GATEWAY,
        ),
        (
            "HTTP API",
            Door::HttpApi,
            EXPORT_PATH,
            StatusCode::INTERNAL_SERVER_ERROR,
        ),
        (
            "function URL",
            Door::FunctionUrl,
            EXPORT_PATH,
            StatusCode::BAD_GATEWAY,
        ),
    ] {
        let gateway = LocalApiGateway::for_backend(Backend::Proxy {
            name: FUNCTION_NAME,
            handler: Arc::clone(&handler),
        })
        .with_door(door)
        .with_limits(Limits::for_door(door, Duration::from_secs(60)));
        let request = Request::get(path).body(Bytes::new()).expect("a request");
        let response = gateway.handle(request, "127.0.0.1").await;
        assert_eq!(response.status(), status, "{door:?}");
        let _ = writeln!(
            table,
            "| {name} | {} | `{}` |",
            response.status().as_u16(),
            String::from_utf8_lossy(response.body()),
        );
    }
    insta::assert_snapshot!("buffered", table);
}
// ANCHOR_END: buffered

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rest_api_that_buffers_sends_a_streaming_functions_status_and_headers_and_no_body() {
    let store = table_of(3, 100).await;
    let endpoint = LocalDynamo::shared().endpoint().to_owned();
    let door = Arc::new(StreamingDoor::new(
        Door::RestApi,
        TransferMode::Buffered,
        function(store.table(), &endpoint).await,
    ));
    let received = get(
        door.start_on_loopback().await.expect("a port"),
        "/Prod/export",
    )
    .await;
    assert_eq!(received.status, StatusCode::OK);
    assert_eq!(received.content_type, NDJSON);
    assert!(received.complete);
    assert_eq!(received.body.len(), 0);
    assert!(door.deliveries().is_empty());
}

// ANCHOR: mid_stream
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_fails_mid_stream_cuts_the_containers_answer_and_the_function_ends_its_own() {
    // Three pages of posts, through a proxy that can fail the store at a chosen request.
    let posts = 25;
    let store = table_of(posts, 100).await;
    let table = store.table().to_owned();
    let proxy = FaultProxy::start(LocalDynamo::shared().endpoint())
        .await
        .expect("the proxy starts");
    let through_proxy = DynamoStore::new(local_client(&proxy.endpoint()), table.clone());
    let container = container(through_proxy).await;
    let door = Arc::new(StreamingDoor::new(
        Door::RestApi,
        TransferMode::Stream,
        function(&table, &proxy.endpoint()).await,
    ));
    let door_address = door.start_on_loopback().await.expect("a port");

    // The first page passes; every later read gets an answer that is not DynamoDB's.
    proxy.set_after(1, Fault::Garbage);
    let from_container = get(container, EXPORT_PATH).await;
    proxy.set_after(1, Fault::Garbage);
    let from_function = get(door_address, "/Prod/export").await;

    let first_page: Vec<u8> = from_container
        .body
        .split_inclusive(|byte| *byte == b'\n')
        .take(ch11_streaming::export::EXPORT_PAGE_POSTS)
        .flatten()
        .copied()
        .collect();
    // The container: the first page, then the connection closes before the body's end.
    assert_eq!(from_container.status, StatusCode::OK);
    assert!(!from_container.complete, "the client sees the answer cut");
    assert_eq!(from_container.body, first_page);
    // The function: the first page, then the runtime's report of the error as body text, and a
    // body that ends as if whole.
    assert_eq!(from_function.status, StatusCode::OK);
    assert!(
        from_function.complete,
        "the client sees an answer that ends"
    );
    assert!(from_function.body.starts_with(&first_page));
    let after = String::from_utf8_lossy(&from_function.body[first_page.len()..]).into_owned();
    assert!(
        after.starts_with("Lambda-Runtime-Function-Error-Type: Runtime.StreamError\r\n"),
        "{after}"
    );
    let [delivery] = door.deliveries().try_into().expect("one delivery");
    assert_eq!(delivery.ended, Ended::Whole, "no trailer reached Lambda");
    // Neither has the end line: that is how a reader knows.
    for received in [&from_container, &from_function] {
        assert!(!received.body.ends_with(end_line(posts).as_bytes()));
    }

    let mut table = String::from(
        "| from | status | posts received | end line | the answer ends | after the last post |\n\
         |---|---|---|---|---|---|\n",
    );
    for (name, received) in [
        ("the container", &from_container),
        ("the function, through the REST API", &from_function),
    ] {
        let rest = String::from_utf8_lossy(&received.body[first_page.len()..]);
        let _ = writeln!(
            table,
            "| {name} | {} | {} | no | {} | {} |",
            received.status.as_u16(),
            json_lines(&first_page).len(),
            if received.complete {
                "normally"
            } else {
                "cut: the connection closes"
            },
            match rest.lines().next() {
                None => "nothing".to_owned(),
                Some(line) => format!("`{line}` …"),
            },
        );
    }
    insta::assert_snapshot!("mid_stream", table);
}
// ANCHOR_END: mid_stream

// ANCHOR: trailer
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_trailer_ends_the_answer_where_the_function_stopped() {
    let api = RuntimeApi::start().await.expect("the Runtime API");
    let runtime_api = api.address;
    // A prelude and two lines, then an error in the trailers the runtime announced.
    let error = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        r#"{"errorMessage":"the store failed","errorType":"StoreUnavailable"}"#,
    );
    let runtime = tokio::spawn(stream_by_hand(
        runtime_api,
        vec![with_prelude(b"{\"line\":1}\n{\"line\":2}\n")],
        format!(
            "Lambda-Runtime-Function-Error-Type: Runtime.StreamError\r\n\
             Lambda-Runtime-Function-Error-Body: {error}\r\n"
        ),
    ));
    let door = Arc::new(StreamingDoor::new(
        Door::FunctionUrl,
        TransferMode::Stream,
        Environment::for_runtime(api)
            .await
            .expect("the runtime asks"),
    ));
    let received = get(door.start_on_loopback().await.expect("a port"), EXPORT_PATH).await;

    assert_eq!(runtime.await.unwrap().as_deref(), Some("HTTP/1.1 202"));
    assert_eq!(received.status, StatusCode::OK);
    assert!(received.complete);
    assert_eq!(&received.body[..], b"{\"line\":1}\n{\"line\":2}\n");
    let [delivery] = door.deliveries().try_into().expect("one delivery");
    assert_eq!(
        delivery.ended,
        Ended::ErrorTrailer {
            error_type: "Runtime.StreamError".to_owned()
        }
    );
}
// ANCHOR_END: trailer

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_past_200_mb_is_cut_where_lambda_stops_reading() {
    let api = RuntimeApi::start().await.expect("the Runtime API");
    let runtime_api = api.address;
    let mib = vec![b'a'; 1024 * 1024];
    let mut chunks = vec![with_prelude(b"")];
    chunks.extend(std::iter::repeat_n(mib, 201));
    let runtime = tokio::spawn(stream_by_hand(runtime_api, chunks, String::new()));
    let door = Arc::new(StreamingDoor::new(
        Door::FunctionUrl,
        TransferMode::Stream,
        Environment::for_runtime(api)
            .await
            .expect("the runtime asks"),
    ));
    let received = get(door.start_on_loopback().await.expect("a port"), EXPORT_PATH).await;
    let _ = runtime.await;

    assert_eq!(received.status, StatusCode::OK);
    assert!(!received.complete, "the client sees the answer cut");
    let [delivery] = door.deliveries().try_into().expect("one delivery");
    assert_eq!(delivery.ended, Ended::OverLimit);
    // Cut at the limit: within the last megabyte the function sent before it, never past it.
    assert!(delivery.body_bytes <= LAMBDA_MAX_STREAMED_RESPONSE_BYTES);
    assert!(delivery.body_bytes > LAMBDA_MAX_STREAMED_RESPONSE_BYTES - 1024 * 1024);
    // The client reads what arrived before the connection was cut; bytes still in flight when
    // it was reset may be lost, never added.
    assert!(received.body.len() <= delivery.body_bytes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prelude_that_ends_past_16_kb_is_an_answer_the_rest_api_cannot_read() {
    let api = RuntimeApi::start().await.expect("the Runtime API");
    let runtime_api = api.address;
    let padding = "a".repeat(MAX_PRELUDE_BYTES);
    let mut long =
        format!(r#"{{"statusCode":200,"headers":{{"x-padding":"{padding}"}}}}"#).into_bytes();
    long.extend_from_slice(&PRELUDE_DELIMITER);
    long.extend_from_slice(b"{\"line\":1}\n");
    let runtime = tokio::spawn(stream_by_hand(runtime_api, vec![long], String::new()));
    let door = Arc::new(StreamingDoor::new(
        Door::RestApi,
        TransferMode::Stream,
        Environment::for_runtime(api)
            .await
            .expect("the runtime asks"),
    ));
    let received = get(
        door.start_on_loopback().await.expect("a port"),
        "/Prod/export",
    )
    .await;

    assert_eq!(runtime.await.unwrap().as_deref(), Some("HTTP/1.1 202"));
    assert_eq!(received.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        &received.body[..],
        br#"{"message":"Internal server error"}"#
    );
    assert!(door.deliveries().is_empty());
}

/// `body` after a prelude (status 200, JSON lines) and its delimiter.
fn with_prelude(body: &[u8]) -> Vec<u8> {
    let mut chunk =
        br#"{"statusCode":200,"headers":{"content-type":"application/x-ndjson"}}"#.to_vec();
    chunk.extend_from_slice(&PRELUDE_DELIMITER);
    chunk.extend_from_slice(body);
    chunk
}

/// A runtime written by hand, as Lambda's guide to custom runtimes describes one: it takes the
/// next invocation and streams its answer, `chunks` as the chunks of its body, then `trailers`
/// (header lines, announced at the start). The status line the Runtime API answered, if it
/// answered before the connection closed.
async fn stream_by_hand(
    runtime_api: std::net::SocketAddr,
    chunks: Vec<Vec<u8>>,
    trailers: String,
) -> Option<String> {
    let id = next_invocation(runtime_api).await;
    let head = format!(
        "POST /2018-06-01/runtime/invocation/{id}/response HTTP/1.1\r\n\
         host: localhost\r\n\
         lambda-runtime-function-response-mode: streaming\r\n\
         content-type: {HTTP_INTEGRATION_RESPONSE}\r\n\
         transfer-encoding: chunked\r\n\
         trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n"
    );
    let mut stream = TcpStream::connect(runtime_api).await.expect("connect");
    let written = async {
        stream.write_all(head.as_bytes()).await?;
        for chunk in &chunks {
            stream
                .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                .await?;
            stream.write_all(chunk).await?;
            stream.write_all(b"\r\n").await?;
        }
        stream
            .write_all(format!("0\r\n{trailers}\r\n").as_bytes())
            .await
    };
    // Lambda may stop reading (past 200 MB): the rest of the body goes nowhere.
    let _ = written.await;
    let mut answer = [0u8; 12];
    stream.read_exact(&mut answer).await.ok()?;
    Some(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lambda_refuses_a_buffered_answer_over_6_mb() {
    let api = RuntimeApi::start().await.expect("the Runtime API");
    let runtime_api = api.address;
    let runtime = tokio::spawn(async move {
        let id = next_invocation(runtime_api).await;
        let body = Bytes::from(vec![b'a'; 6 * 1024 * 1024 + 1]);
        let (status, _) = call(
            runtime_api,
            Request::post(format!("/2018-06-01/runtime/invocation/{id}/response"))
                .header("host", "localhost")
                .body(http_body_util::Full::new(body))
                .unwrap(),
        )
        .await;
        status
    });
    let environment = Environment::for_runtime(api)
        .await
        .expect("the runtime asks");
    let event = DoorEvent::Http(ch03_functions::local_gateway::event::function_url_event(
        &Request::get("/export").body(Bytes::new()).unwrap(),
        &ch03_functions::local_gateway::event::Caller {
            source_ip: "127.0.0.1",
            request_id: "local-1",
        },
    ));
    let (invoked, _) = environment.invoke(event).await.expect("an invocation");
    assert_eq!(runtime.await.unwrap(), StatusCode::PAYLOAD_TOO_LARGE);
    let Invoked::Failed(error) = invoked else {
        panic!("{invoked:?}");
    };
    let error: serde_json::Value = serde_json::from_slice(&error).unwrap();
    assert_eq!(error["errorType"], "Function.ResponseSizeTooLarge");
}

/// A runtime's `GET .../invocation/next`: the invocation's id.
async fn next_invocation(runtime_api: std::net::SocketAddr) -> String {
    let (_, headers) = call(
        runtime_api,
        Request::get("/2018-06-01/runtime/invocation/next")
            .header("host", "localhost")
            .body(http_body_util::Full::new(Bytes::new()))
            .unwrap(),
    )
    .await;
    headers
        .get("lambda-runtime-aws-request-id")
        .and_then(|value| value.to_str().ok())
        .expect("an invocation id")
        .to_owned()
}

/// One request on its own connection: the status and headers of its answer.
async fn call(
    address: std::net::SocketAddr,
    request: Request<http_body_util::Full<Bytes>>,
) -> (StatusCode, ch01_blog_core::http::HeaderMap) {
    let stream = TcpStream::connect(address).await.expect("connect");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(connection);
    let response = sender.send_request(request).await.expect("an answer");
    (response.status(), response.headers().clone())
}
