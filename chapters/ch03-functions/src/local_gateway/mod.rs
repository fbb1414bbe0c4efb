//! A local stand-in for API Gateway: enough of it to run the four functions on your machine
//! without AWS and without `cargo lambda`.
//!
//! For each HTTP request it does what the REST API of chapter 6 does: match the path and method to
//! a function, build the proxy event API Gateway would send ([`event`]), invoke that function's
//! handler (in this process, through `lambda_http`'s adapter, exactly as the Lambda runtime would)
//! and turn the proxy response back into HTTP. It can stand for the two other front doors too
//! ([`Door`]): an HTTP API, and a function URL.

pub mod door;
pub mod event;

pub use door::Door;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use ch01_blog_core::http::{HeaderValue, Method, Request, Response};
use ch01_blog_core::{ApiResponse, Blog, BlogError, BlogPath, preflight};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpResponse;

use crate::{Endpoint, STAGE};
use event::{
    Caller, DoorEvent, from_http_api_response, from_proxy_response, function_url_event,
    greedy_proxy_event, http_api_event, proxy_event,
};

/// The port `local-api-gateway` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 3001;

/// What `local-api-gateway` prints once it listens: the store, and the functions' base URL
/// (the stack's `FunctionsURL` output has the same shape).
pub fn startup_lines(store: impl std::fmt::Display, address: std::net::SocketAddr) -> String {
    startup_lines_for("FunctionsURL", Door::RestApi, store, address)
}

/// [`startup_lines`] with the name of the stack output the URL stands for, behind `door`.
pub fn startup_lines_for(
    output: &str,
    door: Door,
    store: impl std::fmt::Display,
    address: std::net::SocketAddr,
) -> String {
    format!(
        "store: {store}\n{output}: http://{address}{}/\n",
        door.base_path()
    )
}

/// The command line of a local gateway: `local-api-gateway`, and later chapters' own.
#[derive(Debug, clap::Args)]
pub struct LocalArgs {
    /// Port on 127.0.0.1 (each program has its own default).
    #[arg(long, env = "PORT")]
    pub port: Option<u16>,
    /// Store: memory, or dynamodb (configured by TABLE_NAME, AWS_REGION and
    /// AWS_ENDPOINT_URL_DYNAMODB).
    #[arg(long, env = ch02_dynamodb::StoreChoice::ENV, default_value = "memory")]
    pub store: ch02_dynamodb::StoreChoice,
    /// Each function's timeout in seconds: Lambda's default unless you give the one your
    /// deployment sets (the stack in chapter 6 sets 20).
    #[arg(long, value_name = "SECONDS", default_value_t = LAMBDA_DEFAULT_TIMEOUT_SECS)]
    pub function_timeout: u64,
    /// The front door: rest-api (chapter 6's), http-api, or function-url (for one function
    /// only).
    #[arg(long, value_enum, default_value = "rest-api")]
    pub door: Door,
}

/// Serves `backend` (made from the blog on the chosen store, which may take a while: chapter 10's
/// web adapter starts processes) behind a local API Gateway on 127.0.0.1 until Ctrl-C, after
/// printing [`startup_lines_for`] the stack output `output`.
pub async fn serve_locally(
    args: LocalArgs,
    (default_port, output): (u16, &str),
    backend: impl AsyncFnOnce(Blog) -> anyhow::Result<Backend>,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    crate::logging::init_json_logs();
    let address = SocketAddr::from((
        std::net::Ipv4Addr::LOCALHOST,
        args.port.unwrap_or(default_port),
    ));
    let listener = TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}"))?;
    let limits = Limits::for_door(args.door, Duration::from_secs(args.function_timeout));
    let blog = Blog::new(args.store.open().await);
    let backend = backend(blog).await?;
    if args.door == Door::FunctionUrl && matches!(backend, Backend::PerEndpoint(_)) {
        anyhow::bail!(
            "a function URL belongs to one function: give the four functions a door with routes"
        );
    }
    let gateway = Arc::new(
        LocalApiGateway::for_backend(backend)
            .with_limits(limits)
            .with_door(args.door),
    );
    print!(
        "{}",
        startup_lines_for(output, args.door, args.store, listener.local_addr()?)
    );
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    gateway.serve(listener, shutdown).await?;
    Ok(())
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
    /// A function with this timeout behind a REST API's integration timeout.
    pub fn for_function_timeout(function_timeout: Duration) -> Self {
        Self::for_door(Door::RestApi, function_timeout)
    }

    /// A function with this timeout behind `door`'s integration timeout (a function URL has
    /// none: only the function's own applies).
    pub fn for_door(door: Door, function_timeout: Duration) -> Self {
        Self {
            function_timeout,
            integration_timeout: door.integration_timeout().unwrap_or(function_timeout),
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

// ANCHOR: backend
/// What the front door invokes.
#[derive(Clone)]
pub enum Backend {
    /// One function per endpoint, each on its own resource and method, all sharing one blog
    /// (and so one store): this chapter's functions.
    PerEndpoint(Blog),
    /// One function for every request: behind a REST API's `ANY /{proxy+}`, an HTTP API's
    /// `$default` route, or its function URL. Its name, and its handler, given the event and
    /// returning the JSON document it answers.
    Proxy {
        name: &'static str,
        handler: ProxyHandler,
    },
}

/// A function invoked in-process with an event, answering the JSON document the Lambda
/// runtime would post back ([`crate::invoke_event`] is one, for one endpoint).
pub type ProxyHandler =
    Arc<dyn Fn(DoorEvent) -> BoxFuture<Result<Vec<u8>, lambda_http::Error>> + Send + Sync>;

/// A boxed future that can cross threads, as a handler returns it.
pub type BoxFuture<T> = std::pin::Pin<Box<dyn Future<Output = T> + Send>>;

/// The resource a proxy function sits behind.
pub const PROXY_RESOURCE: &str = "/{proxy+}";
// ANCHOR_END: backend

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::PerEndpoint(_) => f.write_str("PerEndpoint"),
            Self::Proxy { name, .. } => write!(f, "Proxy({name})"),
        }
    }
}

/// The functions behind one front door, answering HTTP.
#[derive(Debug)]
pub struct LocalApiGateway {
    backend: Backend,
    door: Door,
    limits: Limits,
    request_ids: AtomicU64,
}

impl LocalApiGateway {
    /// A gateway for the stack's stage, [`STAGE`], in front of the four functions, with AWS's
    /// default limits.
    pub fn new(blog: Blog) -> Self {
        Self::for_backend(Backend::PerEndpoint(blog))
    }

    /// A gateway for the stack's stage in front of `backend`, with AWS's default limits.
    pub fn for_backend(backend: Backend) -> Self {
        Self {
            backend,
            door: Door::RestApi,
            limits: Limits::default(),
            request_ids: AtomicU64::new(0),
        }
    }

    /// The same, with other time limits: the stack's (chapter 6), or the tests' shorter ones
    /// ([`Limits::for_door`] gives a door's own).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The same behind another front door. Its time limits stay as given: a function URL has no
    /// integration timeout, and ignores [`Limits::integration_timeout`].
    ///
    /// # Panics
    /// For a function URL in front of several functions: a function URL belongs to one.
    pub fn with_door(mut self, door: Door) -> Self {
        assert!(
            door != Door::FunctionUrl || matches!(self.backend, Backend::Proxy { .. }),
            "a function URL belongs to one function"
        );
        self.door = door;
        self
    }

    /// Its front door.
    pub fn door(&self) -> Door {
        self.door
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
        let mut response = match self.door {
            Door::RestApi => self.route_and_invoke(request, &caller).await,
            Door::HttpApi | Door::FunctionUrl => self.route_and_invoke_v2(request, &caller).await,
        };
        // A REST API tags every answer with the id of the request, also found in the logs.
        if let (Some(name), Ok(value)) = (
            self.door.request_id_header(),
            HeaderValue::try_from(&request_id),
        ) {
            response.headers_mut().insert(name, value);
        }
        response
    }

    /// Routes and invokes as an HTTP API on its `$default` stage, or a function URL, does.
    async fn route_and_invoke_v2(
        &self,
        request: Request<Bytes>,
        caller: &Caller<'_>,
    ) -> Response<Bytes> {
        match (&self.backend, self.door) {
            (Backend::Proxy { name, handler }, Door::FunctionUrl) => {
                let event = DoorEvent::Http(function_url_event(&request, caller));
                self.invoke(name, event, |event| handler(event)).await
            }
            (Backend::Proxy { name, handler }, _) => {
                let event = http_api_event(
                    &request,
                    door::DEFAULT_STAGE,
                    door::DEFAULT_STAGE,
                    Default::default(),
                    caller,
                );
                self.invoke(name, DoorEvent::Http(event), |event| handler(event))
                    .await
            }
            (Backend::PerEndpoint(blog), _) => {
                let Some(route) = door::http_api_route(request.method(), request.uri().path())
                else {
                    return self.door.no_route();
                };
                let event = http_api_event(
                    &request,
                    door::DEFAULT_STAGE,
                    &route.route_key,
                    route.path_parameters,
                    caller,
                );
                self.invoke_endpoint(blog, route.endpoint, DoorEvent::Http(event))
                    .await
            }
        }
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
            return self.door.no_route();
        };
        let blog = match &self.backend {
            Backend::PerEndpoint(blog) => blog,
            Backend::Proxy { name, handler } => {
                let Some(event) = greedy_proxy_event(&request, STAGE, caller) else {
                    return self.door.no_route();
                };
                return self
                    .invoke(name, DoorEvent::Rest(event), |event| handler(event))
                    .await;
            }
        };
        match route(request.method(), below_stage) {
            Route::Unrouted => self.door.no_route(),
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
                self.invoke_endpoint(blog, endpoint, DoorEvent::Rest(event))
                    .await
            }
        }
    }
    // ANCHOR_END: handle

    /// Invokes the function of `endpoint`, on `blog`, with `event`.
    async fn invoke_endpoint(
        &self,
        blog: &Blog,
        endpoint: Endpoint,
        event: DoorEvent,
    ) -> Response<Bytes> {
        let blog = blog.clone();
        self.invoke(endpoint.function_name(), event, move |event| {
            Box::pin(async move {
                crate::invoke_event(&blog, endpoint, event.into_lambda_request()).await
            })
        })
        .await
    }

    // ANCHOR: invoke
    /// Invokes function `name` with `event` as Lambda would, within Lambda's and the door's
    /// limits: `call` starts the invocation.
    async fn invoke(
        &self,
        name: &'static str,
        event: DoorEvent,
        call: impl FnOnce(DoorEvent) -> BoxFuture<Result<Vec<u8>, lambda_http::Error>>,
    ) -> Response<Bytes> {
        let door = self.door;
        let size = event.to_json().map(|json| json.len()).unwrap_or(0);
        if size > LAMBDA_MAX_REQUEST_BYTES {
            // The Lambda API refuses the invocation, and the door answers for it.
            tracing::error!(
                bytes = size,
                "the event is over Lambda's 6 MB request limit"
            );
            return door.event_refused();
        }
        let function_timeout = self.limits.function_timeout;
        let integration_timeout = match door.integration_timeout() {
            Some(_) => self.limits.integration_timeout,
            None => Duration::MAX,
        };
        let waited =
            tokio::time::timeout(function_timeout.min(integration_timeout), call(event)).await;
        match waited {
            Ok(Ok(payload)) => answer(door, &payload),
            // What the door answers when the function itself fails...
            Ok(Err(err)) => {
                tracing::error!(%err, function = name, "invoke failed");
                door.function_failed()
            }
            // ... or runs out of time: its own timeout is a function error ...
            Err(_) if function_timeout <= integration_timeout => {
                tracing::error!(function = name, "Task timed out");
                door.function_failed()
            }
            // ... and the door's is its own answer.
            Err(_) => door.timed_out(),
        }
    }
    // ANCHOR_END: invoke

    /// Serves HTTP on a free loopback port until the process ends, for tests and tools: where
    /// it listens.
    pub async fn start_on_loopback(self) -> std::io::Result<SocketAddr> {
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
        let address = listener.local_addr()?;
        tokio::spawn(Arc::new(self).serve(listener, std::future::pending()));
        Ok(address)
    }

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
        let response = match Limited::new(body, self.door.max_request_body())
            .collect()
            .await
        {
            Ok(collected) => {
                let request = Request::from_parts(parts, collected.to_bytes());
                self.handle(request, &peer.ip().to_string()).await
            }
            Err(_) => self.door.body_too_large(),
        };
        response.map(Full::new)
    }
}

/// What a REST API answers for the JSON a function returned: a response over Lambda's 6 MB
/// limit never reaches API Gateway (the invocation fails: `502`), nor does a document that is
/// not a proxy response (`502` too); anything else becomes the HTTP response it describes.
pub fn answer_from_payload(payload: &[u8]) -> Response<Bytes> {
    answer(Door::RestApi, payload)
}

/// What `door` answers for the JSON a function returned, in the format of the event it sent.
pub fn answer(door: Door, payload: &[u8]) -> Response<Bytes> {
    if payload.len() > LAMBDA_MAX_RESPONSE_BYTES {
        tracing::error!(
            bytes = payload.len(),
            "the function's response is over Lambda's 6 MB limit"
        );
        return door.function_failed();
    }
    let answered = match door {
        Door::RestApi => {
            serde_json::from_slice(payload).map(|proxy| Some(from_proxy_response(proxy)))
        }
        Door::HttpApi | Door::FunctionUrl => {
            serde_json::from_slice::<ApiGatewayV2httpResponse>(payload).map(from_http_api_response)
        }
    };
    match answered {
        Ok(response) => response.unwrap_or_else(|| door.function_failed()),
        Err(err) => {
            tracing::error!(%err, "malformed Lambda proxy response");
            door.function_failed()
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
