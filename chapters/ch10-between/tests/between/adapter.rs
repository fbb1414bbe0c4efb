//! The container's server on Lambda through the Lambda Web Adapter: the real adapter binary,
//! started as Lambda starts an external extension, with chapter 3's Runtime and Extensions APIs.

use std::sync::Arc;

use ch01_blog_core::{Blog, MemoryStore};
use ch03_functions::STAGE;
use ch03_functions::local_gateway::Door;
use ch04_container::router::App;
use ch05_payloads::Variant;
use ch10_between::BODY_TIMEOUT;
use ch10_between::adapter::{EXTENSION_NAME, Environment, INIT_LIMIT, start_local_behind};

/// The adapter shape on `blog`, behind a local API Gateway with the stack's limits.
pub async fn web_adapter(blog: Blog) -> Variant {
    web_adapter_behind(Door::RestApi, blog).await
}

/// The adapter shape on `blog` behind `door`, with the stack's limits.
pub async fn web_adapter_behind(door: Door, blog: Blog) -> Variant {
    let limits = ch06_infrastructure::settings::local_gateway_limits_for(door);
    let (address, _) = start_local_behind(door, blog, limits)
        .await
        .unwrap_or_else(|err| panic!("{err:#}"));
    Variant {
        name: match door {
            Door::RestApi => "web adapter",
            Door::HttpApi => "web adapter behind an HTTP API",
            Door::FunctionUrl => "web adapter's URL",
        },
        address,
        prefix: door.base_path(),
    }
}

#[test]
fn the_startup_lines_with_the_default_port() {
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], ch10_between::adapter::DEFAULT_PORT));
    insta::assert_snapshot!(ch03_functions::local_gateway::startup_lines_for(
        ch10_between::adapter::URL_OUTPUT,
        ch03_functions::local_gateway::Door::RestApi,
        ch02_dynamodb::StoreChoice::Memory,
        address
    ));
}

#[tokio::test]
async fn the_adapter_registers_as_an_extension_then_waits_for_the_server_then_takes_invocations() {
    let app = App {
        blog: Blog::new(Arc::new(MemoryStore::new())),
        body_timeout: BODY_TIMEOUT,
    };
    let environment = Environment::start(app)
        .await
        .unwrap_or_else(|err| panic!("{err:#}"));
    // Lambda checks the name against the extension's file name in /opt/extensions.
    assert_eq!(environment.registered_as, EXTENSION_NAME);
    assert!(
        environment.init.total() < INIT_LIMIT,
        "{:?}",
        environment.init
    );
}

// ANCHOR: parity
#[tokio::test]
async fn the_adapter_answers_every_request_like_both_variants() {
    crate::parity::answers_like_both_variants(web_adapter).await;
}
// ANCHOR_END: parity

/// The adapter reads payload format 2.0 too: behind its own function URL (the door the web
/// adapter is most often given) it answers every case alike.
#[tokio::test]
async fn behind_its_function_url_the_adapter_answers_every_request_alike() {
    crate::parity::answers_like_both_variants(async |blog| {
        web_adapter_behind(Door::FunctionUrl, blog).await
    })
    .await;
}

/// `GET /Prod/blog/{id}?limit=1` as API Gateway sends it to a `{proxy+}` resource.
fn read_event(id: &str) -> lambda_http::aws_lambda_events::apigw::ApiGatewayProxyRequest {
    let request = ch01_blog_core::http::Request::builder()
        .method("GET")
        .uri(format!("/{STAGE}/blog/{id}?limit=1"))
        .header("accept", "application/json")
        .body(bytes::Bytes::new())
        .expect("a request");
    let caller = ch03_functions::local_gateway::event::Caller {
        source_ip: "198.51.100.7",
        request_id: "between",
    };
    ch03_functions::local_gateway::event::greedy_proxy_event(&request, STAGE, &caller)
        .expect("a path below the stage")
}

/// A header value for the book: JSON shown by its keys (the adapter's context headers hold the
/// whole request context and a deadline that changes every run).
fn shown(name: &str, value: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(value) {
        Ok(serde_json::Value::Object(map)) => {
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            format!("{{JSON: {}}}", keys.join(", "))
        }
        _ if name == "x-amzn-trace-id" => "<the invocation's trace id>".to_owned(),
        _ => value.to_owned(),
    }
}

#[tokio::test]
async fn what_reaches_the_server_through_the_adapter_and_what_it_posts_back() {
    let store = Arc::new(MemoryStore::new());
    let blog = Blog::new(store);
    let post = blog
        .create_post(&ch01_blog_core::test_support::json_request(
            ch01_blog_core::http::Method::POST,
            r#"{"id":"42","title":"Through the adapter","author":"Ada","contents":"Hello"}"#,
        ))
        .await;
    assert_eq!(post.status.as_u16(), 201);
    let (seen_tx, mut seen) = tokio::sync::mpsc::unbounded_channel();
    let environment = Environment::start_observed(
        App {
            blog,
            body_timeout: BODY_TIMEOUT,
        },
        Some(seen_tx),
    )
    .await
    .unwrap_or_else(|err| panic!("{err:#}"));
    let posted = environment
        .invoke_raw(read_event("42"))
        .await
        .unwrap_or_else(|err| panic!("{err:#}"));

    let mut shown_requests = String::new();
    while let Ok(request) = seen.try_recv() {
        shown_requests.push_str(&format!("{} {}\n", request.method, request.target));
        for (name, value) in &request.headers {
            shown_requests.push_str(&format!("  {name}: {}\n", shown(name, value)));
        }
    }
    // First the readiness check, during init; then the invocation, with the stage taken off.
    assert!(
        shown_requests.starts_with("GET /health\n"),
        "{shown_requests}"
    );
    assert!(
        shown_requests.contains("GET /blog/42?limit=1\n"),
        "{shown_requests}"
    );
    let posted: serde_json::Value = serde_json::from_slice(&posted).expect("JSON");
    let shown = format!(
        "ANCHOR: seen\n{shown_requests}ANCHOR_END: seen\nANCHOR: posted\n{}\nANCHOR_END: posted",
        serde_json::to_string_pretty(&posted).expect("JSON")
    );
    insta::with_settings!({filters => vec![
        (r"127\.0\.0\.1:\d+", "127.0.0.1:<the server's port>"),
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", "<created at>"),
        (r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT", "<now>"),
    ]}, {
        insta::assert_snapshot!(shown);
    });
}

/// One HTTP/1.1 request to `address`, and the answer's status line and headers.
async fn send(address: &str, request: String) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("the Runtime API listens");
    stream.write_all(request.as_bytes()).await.expect("sent");
    let mut answer = vec![0; 4096];
    let read = stream.read(&mut answer).await.expect("an answer");
    String::from_utf8_lossy(&answer[..read]).into_owned()
}

fn register(name: &str) -> String {
    let body = r#"{"events":[]}"#;
    format!(
        "POST /2020-01-01/extension/register HTTP/1.1\r\nhost: lambda\r\nlambda-extension-name: {name}\r\n\
         content-length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test]
async fn only_an_extension_the_environment_started_may_register_and_only_it_may_ask_for_events() {
    use ch03_functions::runtime_api::{Report, RuntimeApi};
    let mut api = RuntimeApi::with_extensions(&[EXTENSION_NAME])
        .await
        .expect("a Runtime API");
    let address = api.env_value();
    // Lambda compares the name with the file it started from /opt/extensions.
    let refused = send(&address, register("some-other-name")).await;
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    let accepted = send(&address, register(EXTENSION_NAME)).await;
    assert!(accepted.starts_with("HTTP/1.1 200"), "{accepted}");
    let identifier = accepted
        .lines()
        .find_map(|line| line.strip_prefix("lambda-extension-identifier: "))
        .expect("an identifier");
    match api.report().await {
        Some(Report::ExtensionRegistered { name, .. }) => assert_eq!(name, EXTENSION_NAME),
        other => panic!("{other:?}"),
    }
    // An identifier Lambda never gave out cannot ask for events.
    let unknown = send(
        &address,
        "GET /2020-01-01/extension/event/next HTTP/1.1\r\nhost: lambda\r\nlambda-extension-identifier: forged\r\n\r\n"
            .to_owned(),
    )
    .await;
    assert!(unknown.starts_with("HTTP/1.1 403"), "{unknown}");
    assert!(!identifier.is_empty());
}
