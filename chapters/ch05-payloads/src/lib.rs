//! # Chapter 5: where the payloads differ
//!
//! One logical request, two journeys. [`functions_side`] follows it through API Gateway: the
//! proxy event, the `lambda_http::Request` the handler sees, the proxy response. [`container_side`]
//! follows it to the hyper server: the raw HTTP/1.1 bytes in and out. [`Backends`] runs both
//! variants on loopback ports for the parity suite and the example.

pub mod edges;
pub mod parity;

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use ch01_blog_core::Blog;
use ch01_blog_core::http::{Method, Request};
use ch01_blog_core::test_support::JsonBody;
use ch01_blog_core::test_support::raw_http::{RawResponse, read_response, send};
use ch03_functions::local_gateway::event::{Caller, proxy_event};
use ch03_functions::local_gateway::{Door, Limits, Route, route};
use ch03_functions::{LocalApiGateway, STAGE};
use ch04_container::router::App;
use lambda_http::request::LambdaRequest;
use lambda_http::tower::Service;
use lambda_http::{Adapter, Context, LambdaEvent, RequestExt};
use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

// ANCHOR: logical_request
/// A request as a client means it, before either runtime has touched it.
#[derive(Debug, Clone)]
pub struct LogicalRequest {
    pub method: Method,
    /// The path and query below the API's base URL, e.g. `/blog/hello` or `/blog?limit=2`.
    pub target: String,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}
// ANCHOR_END: logical_request

impl LogicalRequest {
    pub fn new(method: Method, target: impl Into<String>) -> Self {
        Self {
            method,
            target: target.into(),
            content_type: None,
            body: Vec::new(),
        }
    }

    /// With a JSON body and `Content-Type: application/json`.
    pub fn json(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.content_type = Some("application/json".to_owned());
        self.body = body.into();
        self
    }

    /// The HTTP/1.1 request curl sends for it, byte for byte, plus `extra` headers (what a load
    /// balancer adds on the way).
    pub fn raw_http(&self, host: &str, extra: &[(&str, &str)]) -> Vec<u8> {
        let mut head = format!(
            "{} {} HTTP/1.1\r\nhost: {host}\r\nuser-agent: curl/8.5.0\r\naccept: */*\r\n",
            self.method, self.target
        );
        for (name, value) in extra {
            writeln!(head, "{name}: {value}\r").expect("writing to a String");
        }
        if let Some(content_type) = &self.content_type {
            writeln!(head, "content-type: {content_type}\r").expect("writing to a String");
        }
        if !self.body.is_empty() {
            writeln!(head, "content-length: {}\r", self.body.len()).expect("writing to a String");
        }
        head.push_str("\r\n");
        let mut raw = head.into_bytes();
        raw.extend_from_slice(&self.body);
        raw
    }
}

// ANCHOR: functions_side
/// What the functions variant sees and says for one request.
#[derive(Debug, Clone)]
pub struct FunctionsSide {
    /// The REST API (v1) proxy event API Gateway sends to the function.
    pub event: Value,
    /// The `lambda_http::Request` the handler receives, described field by field.
    pub request_seen: String,
    /// The proxy response JSON the function returns to API Gateway.
    pub proxy_response: Value,
}

/// Sends `request` through the local API Gateway's event builder and the function it routes to.
pub async fn functions_side(blog: &Blog, request: &LogicalRequest) -> FunctionsSide {
    let (path, _) = request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""));
    let Route::Function {
        endpoint,
        resource,
        id,
    } = route(&request.method, path)
    else {
        panic!("{} {} reaches no function", request.method, request.target);
    };
    let mut http = Request::builder()
        .method(request.method.clone())
        .uri(format!("/{STAGE}{}", request.target))
        .header("host", "abcdef1234.execute-api.us-east-1.amazonaws.com")
        .header("user-agent", "curl/8.5.0")
        .header("accept", "*/*");
    if let Some(content_type) = &request.content_type {
        http = http.header("content-type", content_type);
    }
    let http = http
        .body(Bytes::from(request.body.clone()))
        .expect("a valid request");
    let caller = Caller {
        source_ip: "198.51.100.7",
        request_id: "req-1",
    };
    let mut event = proxy_event(&http, STAGE, resource, id.as_deref(), &caller);
    // The one field that changes on every run.
    event.request_context.request_time_epoch = 1_767_225_600_000;
    let proxy_response = ch03_functions::invoke(blog, endpoint, event.clone())
        .await
        .expect("the function answers");
    let event = serde_json::to_value(event).expect("an event is JSON");
    FunctionsSide {
        request_seen: describe_lambda_event(&event),
        event,
        proxy_response: serde_json::to_value(proxy_response).expect("a response is JSON"),
    }
}

/// Invokes a chapter 3 function with an event of any source `lambda_http` accepts (REST API,
/// HTTP API, ALB), through the same adapter as the Lambda runtime, and returns the response JSON
/// that source would receive.
pub async fn invoke_with_any_event(
    blog: &Blog,
    endpoint: ch03_functions::Endpoint,
    event: Value,
) -> Result<Value, lambda_http::Error> {
    let request: LambdaRequest = serde_json::from_value(event)?;
    let mut adapter = Adapter::from(ch03_functions::function(blog.clone(), endpoint));
    let response = adapter
        .call(LambdaEvent::new(request, Context::default()))
        .await?;
    Ok(serde_json::to_value(response)?)
}

/// Describes the `lambda_http::Request` built from an event (of any source), as a handler sees it.
pub fn describe_lambda_event(event: &Value) -> String {
    let request: LambdaRequest = serde_json::from_value(event.clone()).expect("a supported event");
    let request: lambda_http::Request = request.into();
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(format!("method:       {}", request.method()));
    line(format!("uri:          {}", request.uri()));
    line(format!("uri().path(): {}", request.uri().path()));
    line(format!(
        "path params:  {:?}",
        request
            .path_parameters_ref()
            .map(|params| params.iter().collect::<Vec<_>>())
    ));
    line(format!(
        "query params: {:?}",
        request
            .query_string_parameters_ref()
            .map(|params| params.iter().collect::<Vec<_>>())
    ));
    let mut headers: Vec<String> = request
        .headers()
        .iter()
        .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap_or("<binary>")))
        .collect();
    headers.sort();
    line(format!(
        "headers:      {}",
        headers.join("\n              ")
    ));
    let body = request.body();
    line(format!(
        "body:         {}",
        if body.is_empty() {
            "(empty)".to_owned()
        } else {
            String::from_utf8_lossy(body).into_owned()
        }
    ));
    out
}
// ANCHOR_END: functions_side

// ANCHOR: container_side
/// What the container variant receives and sends for one request, as raw HTTP/1.1.
#[derive(Debug, Clone)]
pub struct ContainerSide {
    pub raw_request: String,
    pub raw_response: String,
}

/// The headers an Application Load Balancer adds to every request it forwards to a target.
pub const ALB_HEADERS: [(&str, &str); 4] = [
    ("x-forwarded-for", "198.51.100.7"),
    ("x-forwarded-proto", "http"),
    ("x-forwarded-port", "80"),
    (
        "x-amzn-trace-id",
        "Root=1-6565a1b2-0123456789abcdef01234567",
    ),
];

/// Sends `request` to the container server at `address`, as the load balancer forwards it, and
/// records both directions.
pub async fn container_side(address: SocketAddr, request: &LogicalRequest) -> ContainerSide {
    let raw = request.raw_http(
        "blog-alb-1234567890.us-east-1.elb.amazonaws.com",
        &ALB_HEADERS,
    );
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream.write_all(&raw).await.expect("send");
    let response = read_response(stream).await.expect("a response");
    ContainerSide {
        raw_request: String::from_utf8_lossy(&raw).replace("\r\n", "\n"),
        raw_response: format!(
            "{}\n\n{}",
            response.head.replace("\r\n", "\n"),
            String::from_utf8_lossy(&response.body)
        ),
    }
}
// ANCHOR_END: container_side

// ANCHOR: backends
/// Both variants on loopback, each on its own blog: the functions behind the local API Gateway
/// (base URL `/Prod/`), the container's router behind chapter 4's server.
#[derive(Debug)]
pub struct Backends {
    pub functions: SocketAddr,
    pub container: SocketAddr,
}

impl Backends {
    pub async fn start(functions_blog: Blog, container_blog: Blog) -> Self {
        let limits = ch06_infrastructure::settings::local_gateway_limits();
        Self::start_with_limits(functions_blog, container_blog, limits).await
    }

    /// [`Backends::start`] with the local API Gateway's time limits shortened, to meet them in
    /// a test without waiting 20 or 29 seconds.
    pub async fn start_with_limits(
        functions_blog: Blog,
        container_blog: Blog,
        limits: Limits,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let functions = listener.local_addr().expect("an address");
        let gateway = Arc::new(LocalApiGateway::new(functions_blog).with_limits(limits));
        tokio::spawn(gateway.serve(listener, std::future::pending()));

        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let container = listener.local_addr().expect("an address");
        let app = Arc::new(App {
            blog: container_blog,
            body_timeout: Duration::from_secs(ch04_container::config::DEFAULT_BODY_TIMEOUT_SECS),
        });
        tokio::spawn(ch04_container::server::serve(
            listener,
            app,
            Duration::from_secs(75),
            Duration::from_secs(1),
            std::future::pending(),
        ));
        Self {
            functions,
            container,
        }
    }
}
// ANCHOR_END: backends

/// The four functions on `blog` behind `door` (a REST API or an HTTP API) with the stack's
/// limits, on a free loopback port, as a client reaches them.
pub async fn functions_behind(door: Door, blog: Blog) -> Variant {
    let limits = ch06_infrastructure::settings::local_gateway_limits_for(door);
    let gateway = LocalApiGateway::new(blog)
        .with_limits(limits)
        .with_door(door);
    Variant {
        name: door_name(door),
        address: gateway.start_on_loopback().await.expect("a loopback port"),
        prefix: door.base_path(),
    }
}

/// The name of a variant behind `door`, in the parity suite's messages.
pub fn door_name(door: Door) -> &'static str {
    match door {
        Door::RestApi => "functions",
        Door::HttpApi => "functions behind an HTTP API",
        Door::FunctionUrl => "function URL",
    }
}

/// One variant as a client reaches it: where it listens and the path its API starts at
/// (`/Prod` for the functions, nothing for the container).
#[derive(Debug, Clone)]
pub struct Variant {
    pub name: &'static str,
    pub address: SocketAddr,
    pub prefix: String,
}

impl Variant {
    /// `path` (such as `/blog/hello`) under this variant's base path.
    pub fn target(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }

    /// Sends one request to `path` under this variant's base path.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> RawResponse {
        send(self.address, method, &self.target(path), headers, body)
            .await
            .unwrap_or_else(|err| panic!("{} {method} {path}: {err}", self.name))
    }

    /// `POST /blog` with `body` as JSON.
    pub async fn post_json(&self, body: &[u8]) -> RawResponse {
        self.send(
            "POST",
            "/blog",
            &[("content-type", "application/json")],
            body,
        )
        .await
    }

    /// Every page of the feed, following `next_cursor` from the first page of `limit` posts;
    /// each page must be a `200`.
    pub async fn pages(&self, limit: usize) -> Vec<RawResponse> {
        let mut pages = Vec::new();
        let mut path = format!("/blog?limit={limit}");
        loop {
            let page = self.send("GET", &path, &[], b"").await;
            assert_eq!(page.status, 200, "{} {path}", self.name);
            let next = page.json_body()["next_cursor"].as_str().map(str::to_owned);
            pages.push(page);
            match next {
                Some(cursor) => path = format!("/blog?limit={limit}&cursor={cursor}"),
                None => return pages,
            }
        }
    }

    /// The ids of every post in the feed, in feed order.
    pub async fn feed_ids(&self, limit: usize) -> Vec<String> {
        self.pages(limit)
            .await
            .iter()
            .flat_map(|page| {
                page.json_body()["posts"]
                    .as_array()
                    .expect("a page has posts")
                    .iter()
                    .map(|post| post["id"].as_str().expect("an id").to_owned())
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// The JSON of a post whose every field is at its limit, in four-byte characters (50,000 crabs
/// are 200,000 bytes of contents): the largest post the blog accepts.
pub fn largest_post(id: &str) -> String {
    let crabs = |count| "\u{1F980}".repeat(count);
    serde_json::json!({
        "id": id,
        "title": crabs(ch01_blog_core::TITLE_MAX_CHARS),
        "author": crabs(ch01_blog_core::AUTHOR_MAX_CHARS),
        "contents": crabs(ch01_blog_core::CONTENTS_MAX_CHARS),
    })
    .to_string()
}

impl Backends {
    /// The two variants, functions first.
    pub fn variants(&self) -> [Variant; 2] {
        [
            Variant {
                name: "functions",
                address: self.functions,
                prefix: format!("/{STAGE}"),
            },
            Variant {
                name: "container",
                address: self.container,
                prefix: String::new(),
            },
        ]
    }
}
