//! One function for every route: `lambda_http` in front of chapter 4's router.

use std::time::Duration;

use bytes::Bytes;
use ch01_blog_core::{Blog, StoreOperation};
use ch02_dynamodb::StoreChoice;
use ch04_container::router::{self, App};
use http_body_util::{BodyExt as _, Full};
use lambda_http::aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use lambda_http::http;
use lambda_http::request::RequestContext;
use lambda_http::tower::Service;
use lambda_http::{Body, Error, Request, RequestExt, Response, service_fn};

// ANCHOR: path
/// The path chapter 4's router should see. `lambda_http` rebuilds a REST API request's path with
/// the stage in front (`/Prod/blog/42`), as the client sent it; the server behind a load
/// balancer sees `/blog/42`. The stage is in the event's request context: take it off.
pub fn path_below_stage(request: &Request) -> String {
    let path = request.uri().path();
    let stage = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => context.stage.clone(),
        _ => None,
    };
    stage
        .and_then(|stage| path.strip_prefix(&format!("/{stage}")).map(str::to_owned))
        .filter(|rest| rest.starts_with('/'))
        .unwrap_or_else(|| path.to_owned())
}

/// The request as chapter 4's router expects it: its path below the stage, its query as sent,
/// and its body (which `lambda_http` has already read, and decoded from base64) as bytes.
pub fn for_the_router(request: Request) -> Result<http::Request<Full<Bytes>>, Error> {
    let path = path_below_stage(&request);
    let (mut parts, body) = request.into_parts();
    let query = parts
        .uri
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    parts.uri = format!("{path}{query}").parse()?;
    Ok(http::Request::from_parts(
        parts,
        Full::new(Bytes::copy_from_slice(&body)),
    ))
}
// ANCHOR_END: path

// ANCHOR: function
/// The one function's handler: every request, whatever its route, through chapter 4's router.
pub fn one_function(
    app: App,
) -> impl Service<Request, Response = Response<Body>, Error = Error, Future: Send> + Clone {
    service_fn(move |request: Request| {
        let app = app.clone();
        async move {
            let response = router::handle(&app, for_the_router(request)?).await;
            let (parts, body) = response.into_parts();
            let bytes: Bytes = body.collect().await?.to_bytes();
            let body = match bytes.is_empty() {
                true => Body::Empty,
                // The router's bodies are JSON, always UTF-8: sent as text, not base64.
                false => Body::Text(String::from_utf8(bytes.to_vec())?),
            };
            Ok(Response::from_parts(parts, body))
        }
    })
}
// ANCHOR_END: function

/// The function's name (and its binary's).
pub const FUNCTION_NAME: &str = "all-routes";

// ANCHOR: run
/// The binary's `main`: JSON logs, the store opened once at init with its connection (through
/// a read of one key: its role allows every route's call, and this one reads least), then the
/// Lambda runtime loop with the router.
pub async fn run() -> Result<(), Error> {
    ch03_functions::logging::init_json_logs();
    let choice = StoreChoice::from_env()?;
    let (store, connection) = choice.open_for(StoreOperation::Get).await?;
    ch03_functions::log_init(FUNCTION_NAME, choice, connection);
    let app = App {
        blog: Blog::new(store),
        body_timeout: BODY_TIMEOUT,
    };
    lambda_http::run(one_function(app)).await
}
// ANCHOR_END: run

/// API Gateway has the whole body before it invokes the function: there is no slow client to
/// wait for, and the router's deadline on reading it never bites.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(1);

/// Invokes the one function in-process with a REST API proxy event, the way the Lambda runtime
/// does (through `lambda_http`'s own `Adapter`), and returns the JSON document it would post back.
pub async fn invoke_raw(app: &App, event: ApiGatewayProxyRequest) -> Result<Vec<u8>, Error> {
    ch03_functions::invoke_service_raw(one_function(app.clone()), event).await
}

/// [`invoke_raw`], read back as the proxy response API Gateway receives.
pub async fn invoke(
    app: &App,
    event: ApiGatewayProxyRequest,
) -> Result<ApiGatewayProxyResponse, Error> {
    Ok(serde_json::from_slice(&invoke_raw(app, event).await?)?)
}
