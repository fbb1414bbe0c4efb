//! A local stand-in for API Gateway: enough of it to run the four functions on your machine
//! without AWS and without `cargo lambda`.
//!
//! For each HTTP request it does what the REST API of chapter 6 does: match the path and method to
//! a function, build the proxy event API Gateway would send ([`event`]), invoke that function's
//! handler (in this process, through `lambda_http`'s adapter, exactly as the Lambda runtime would)
//! and turn the proxy response back into HTTP.

pub mod event;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use ch01_blog_core::http::{HeaderValue, Method, Request, Response, StatusCode};
use ch01_blog_core::{ApiResponse, Blog, BlogError, BlogPath, preflight};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::{Endpoint, STAGE};
use event::{Caller, from_proxy_response, gateway_error, proxy_event};

/// The port `local-api-gateway` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 3001;

/// What `local-api-gateway` prints once it listens: the store, and the functions' base URL
/// (the stack's `FunctionsURL` output has the same shape).
pub fn startup_lines(store: impl std::fmt::Display, address: std::net::SocketAddr) -> String {
    format!("store: {store}\nFunctionsURL: http://{address}/{STAGE}/\n")
}

// ANCHOR: limits
/// API Gateway's own limit on a request body (10 MB); our functions enforce 256 KiB themselves.
pub const GATEWAY_MAX_BODY: usize = 10 * 1024 * 1024;
/// Lambda's limit on a synchronous invocation's response: 6 MB. A function that answers more
/// fails the invocation, and API Gateway answers the client `502`.
pub const LAMBDA_MAX_RESPONSE_BYTES: usize = 6 * 1024 * 1024;
/// Lambda's limit on a synchronous invocation's request, the whole proxy event: 6 MB. API
/// Gateway accepts bodies up to 10 MB, so an event between the two is refused by the Lambda API
/// before any function runs, and API Gateway answers `500`.
pub const LAMBDA_MAX_REQUEST_BYTES: usize = 6 * 1024 * 1024;
/// Lambda's timeout for a function created without one: 3 s. The local gateway applies it unless
/// told the function's own ([`Limits::for_function_timeout`], or `--function-timeout`): the
/// timeout is the deployment's to choose, and chapter 6's stack chooses 20 s.
pub const LAMBDA_DEFAULT_TIMEOUT_SECS: u64 = 3;
/// API Gateway's integration timeout for a REST API: the default, and the most without a quota
/// increase. A function still running then gets its client a `504`.
pub const INTEGRATION_TIMEOUT_SECS: u64 = 29;

/// The time limits the local gateway enforces, as AWS does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Lambda stops the function ("Task timed out") and API Gateway answers `502`.
    pub function_timeout: Duration,
    /// API Gateway stops waiting and answers `504`.
    pub integration_timeout: Duration,
}

impl Limits {
    /// A function with this timeout behind API Gateway's integration timeout.
    pub fn for_function_timeout(function_timeout: Duration) -> Self {
        Self {
            function_timeout,
            integration_timeout: Duration::from_secs(INTEGRATION_TIMEOUT_SECS),
        }
    }
}

/// What AWS gives a function nobody configured: Lambda's 3 s and API Gateway's 29 s.
impl Default for Limits {
    fn default() -> Self {
        Self::for_function_timeout(Duration::from_secs(LAMBDA_DEFAULT_TIMEOUT_SECS))
    }
}
// ANCHOR_END: limits

// ANCHOR: routing
/// What API Gateway does with a request, before any function runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Invoke this function, for this resource, with this `{id}` path parameter.
    Function {
        endpoint: Endpoint,
        resource: &'static str,
        id: Option<String>,
    },
    /// `OPTIONS` on a resource: answered by API Gateway itself (a mock integration).
    Preflight,
    /// A resource with no such method: API Gateway answers `405` itself (a mock integration).
    MethodNotAllowed { allow: &'static str },
    /// No such resource: API Gateway answers `403 Missing Authentication Token`.
    Unrouted,
}

/// Matches a path *below the stage* (`/blog/42`, not `/Prod/blog/42`) and a method.
pub fn route(method: &Method, path: &str) -> Route {
    let Some(path) = BlogPath::parse(path) else {
        return Route::Unrouted;
    };
    if method == Method::OPTIONS {
        return Route::Preflight;
    }
    match Endpoint::ALL
        .into_iter()
        .find(|endpoint| endpoint.route() == (method.clone(), path.resource()))
    {
        Some(endpoint) => Route::Function {
            endpoint,
            resource: path.resource(),
            id: path.id().map(str::to_owned),
        },
        None => Route::MethodNotAllowed {
            allow: path.allow(),
        },
    }
}
// ANCHOR_END: routing

/// The functions of one stage, sharing one blog (and so one store), answering HTTP.
#[derive(Debug)]
pub struct LocalApiGateway {
    blog: Blog,
    limits: Limits,
    request_ids: AtomicU64,
}

impl LocalApiGateway {
    /// A gateway for the stack's stage, [`STAGE`], with AWS's default limits.
    pub fn new(blog: Blog) -> Self {
        Self {
            blog,
            limits: Limits::default(),
            request_ids: AtomicU64::new(0),
        }
    }

    /// The same, with other time limits: the stack's (chapter 6), or the tests' shorter ones.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    // ANCHOR: handle
    /// Answers one HTTP request as API Gateway and the function behind it would.
    pub async fn handle(&self, request: Request<Bytes>, source_ip: &str) -> Response<Bytes> {
        let request_id = format!(
            "local-{:08}",
            self.request_ids.fetch_add(1, Ordering::Relaxed) + 1
        );
        let caller = Caller {
            source_ip,
            request_id: &request_id,
        };
        let mut response = self.route_and_invoke(request, &caller).await;
        // API Gateway tags every answer with the id of the request, also found in the logs.
        if let Ok(value) = HeaderValue::try_from(&request_id) {
            response.headers_mut().insert("x-amzn-requestid", value);
        }
        response
    }

    async fn route_and_invoke(
        &self,
        request: Request<Bytes>,
        caller: &Caller<'_>,
    ) -> Response<Bytes> {
        let path = request.uri().path().to_owned();
        let Some(below_stage) = path
            .strip_prefix('/')
            .and_then(|path| path.strip_prefix(STAGE))
            .filter(|rest| rest.starts_with('/'))
        else {
            return missing_authentication_token();
        };
        match route(request.method(), below_stage) {
            Route::Unrouted => missing_authentication_token(),
            // A mock maps only JSON; a body of any other type never reaches it (the stack's
            // `PassthroughBehavior: NEVER`): API Gateway answers 415 with the contract's error.
            Route::Preflight | Route::MethodNotAllowed { .. } if !mock_maps(&request) => {
                to_http(BlogError::UnsupportedMediaType.into())
            }
            Route::Preflight => to_http(preflight()),
            Route::MethodNotAllowed { allow } => to_http(
                BlogError::MethodNotAllowed {
                    method: request.method().to_string(),
                    allow,
                }
                .into(),
            ),
            Route::Function {
                endpoint,
                resource,
                id,
            } => {
                let event = proxy_event(&request, STAGE, resource, id.as_deref(), caller);
                self.invoke(endpoint, event).await
            }
        }
    }
    // ANCHOR_END: handle

    // ANCHOR: invoke
    /// Invokes the function as Lambda would, within Lambda's and API Gateway's limits.
    async fn invoke(
        &self,
        endpoint: Endpoint,
        event: lambda_http::aws_lambda_events::apigw::ApiGatewayProxyRequest,
    ) -> Response<Bytes> {
        let size = serde_json::to_vec(&event)
            .map(|json| json.len())
            .unwrap_or(0);
        if size > LAMBDA_MAX_REQUEST_BYTES {
            // The Lambda API refuses the invocation; API Gateway answers 500 when it does.
            tracing::error!(
                bytes = size,
                "the event is over Lambda's 6 MB request limit"
            );
            return gateway_error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error");
        }
        let Limits {
            function_timeout,
            integration_timeout,
        } = self.limits;
        let waited = tokio::time::timeout(
            function_timeout.min(integration_timeout),
            crate::invoke_raw(&self.blog, endpoint, event),
        )
        .await;
        match waited {
            Ok(Ok(payload)) => answer_from_payload(&payload),
            // What API Gateway answers when the function itself fails...
            Ok(Err(err)) => {
                tracing::error!(%err, function = endpoint.function_name(), "invoke failed");
                gateway_error(StatusCode::BAD_GATEWAY, "Internal server error")
            }
            // ... or runs out of time: its own timeout is a function error, 502 ...
            Err(_) if function_timeout <= integration_timeout => {
                tracing::error!(function = endpoint.function_name(), "Task timed out");
                gateway_error(StatusCode::BAD_GATEWAY, "Internal server error")
            }
            // ... and API Gateway's is its own 504.
            Err(_) => gateway_error(StatusCode::GATEWAY_TIMEOUT, "Endpoint request timed out"),
        }
    }
    // ANCHOR_END: invoke

    /// Serves HTTP on `listener` until `shutdown` completes.
    pub async fn serve(
        self: Arc<Self>,
        listener: TcpListener,
        shutdown: impl Future<Output = ()>,
    ) -> std::io::Result<()> {
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => accepted?,
                () = &mut shutdown => return Ok(()),
            };
            let gateway = Arc::clone(&self);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                    let gateway = Arc::clone(&gateway);
                    async move { Ok::<_, Infallible>(gateway.handle_incoming(request, peer).await) }
                });
                let connection =
                    http1::Builder::new().serve_connection(TokioIo::new(stream), service);
                if let Err(err) = connection.await {
                    tracing::debug!(%err, "connection ended with an error");
                }
            });
        }
    }

    async fn handle_incoming(
        &self,
        request: Request<Incoming>,
        peer: SocketAddr,
    ) -> Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        let response = match Limited::new(body, GATEWAY_MAX_BODY).collect().await {
            Ok(collected) => {
                let request = Request::from_parts(parts, collected.to_bytes());
                self.handle(request, &peer.ip().to_string()).await
            }
            Err(_) => gateway_error(StatusCode::PAYLOAD_TOO_LARGE, "Request Too Long"),
        };
        response.map(Full::new)
    }
}

/// What API Gateway answers for the JSON a function returned: a response over Lambda's 6 MB
/// limit never reaches API Gateway (the invocation fails: `502`), nor does a document that is
/// not a proxy response (`502` too); anything else becomes the HTTP response it describes.
pub fn answer_from_payload(payload: &[u8]) -> Response<Bytes> {
    if payload.len() > LAMBDA_MAX_RESPONSE_BYTES {
        tracing::error!(
            bytes = payload.len(),
            "the function's response is over Lambda's 6 MB limit"
        );
        return gateway_error(StatusCode::BAD_GATEWAY, "Internal server error");
    }
    match serde_json::from_slice(payload) {
        Ok(proxy_response) => from_proxy_response(proxy_response),
        Err(err) => {
            tracing::error!(%err, "malformed Lambda proxy response");
            gateway_error(StatusCode::BAD_GATEWAY, "Internal server error")
        }
    }
}

// ANCHOR: mock_maps
/// Whether a mock integration's request template applies to `request`: it has no body, or a
/// JSON one. API Gateway reads a request with no `Content-Type` as `application/json`.
fn mock_maps(request: &Request<Bytes>) -> bool {
    let media_type = request
        .headers()
        .get(ch01_blog_core::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::trim);
    request.body().is_empty()
        || media_type.is_none_or(|media_type| media_type.eq_ignore_ascii_case(MOCK_CONTENT_TYPE))
}
// ANCHOR_END: mock_maps

/// The one content type the stack's mock integrations map (their request template's key).
pub const MOCK_CONTENT_TYPE: &str = "application/json";

/// A response from chapter 1 (a mock integration's answer) as HTTP.
fn to_http(response: ApiResponse) -> Response<Bytes> {
    response.into_http().map(Bytes::from)
}

/// API Gateway's answer for a path or method no route matches.
fn missing_authentication_token() -> Response<Bytes> {
    let mut response = gateway_error(StatusCode::FORBIDDEN, "Missing Authentication Token");
    response.headers_mut().insert(
        "x-amzn-errortype",
        HeaderValue::from_static("MissingAuthenticationTokenException"),
    );
    response
}
