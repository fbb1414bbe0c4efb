//! Follows one request through both variants and prints every stage.
//!
//! cargo run -p ch05-payloads --example compare -- GET /blog/hello
//! cargo run -p ch05-payloads --example compare -- POST /blog '{"title":"Hi","author":"Ada","contents":"x"}'

use ch01_blog_core::http::Method;
use ch01_blog_core::test_support::seeded_blog;
use ch05_payloads::{Backends, LogicalRequest, container_side, functions_side};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (method, target) = match args.as_slice() {
        [method, target, ..] => (method.to_uppercase(), target.clone()),
        _ => ("GET".to_owned(), "/blog/hello".to_owned()),
    };
    let method: Method = method.parse().expect("an HTTP method");
    let mut request = LogicalRequest::new(method, target);
    if let Some(body) = args.get(2) {
        request = request.json(body.as_bytes());
    }

    let functions = functions_side(&seeded_blog().await, &request).await;
    let backends = Backends::start(seeded_blog().await, seeded_blog().await).await;
    let container = container_side(backends.container, &request).await;

    let pretty = |value| serde_json::to_string_pretty(value).expect("JSON");
    println!(
        "== functions: the proxy event API Gateway sends\n{}\n",
        pretty(&functions.event)
    );
    println!(
        "== functions: the request the handler sees\n{}",
        functions.request_seen
    );
    println!(
        "== functions: the proxy response\n{}\n",
        pretty(&functions.proxy_response)
    );
    println!(
        "== container: the HTTP request the server reads\n{}",
        container.raw_request
    );
    println!(
        "== container: the HTTP response it writes\n{}",
        container.raw_response
    );
}
