//! Routing in code, and the one translation layer between hyper and chapter 1.

use std::time::Duration;

use bytes::Bytes;
use ch01_blog_core::http::header::CONTENT_LENGTH;
use ch01_blog_core::http::{HeaderMap, Method, Request, Response, StatusCode};
use ch01_blog_core::{
    ApiRequest, ApiResponse, Blog, BlogError, BlogPath, MAX_BODY_BYTES, RequestInfo, TRACE_HEADER,
    preflight, trace_root,
};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Body;

/// What the server needs to answer a request.
#[derive(Debug, Clone)]
pub struct App {
    pub blog: Blog,
    /// How long a client may take to send its body.
    pub body_timeout: Duration,
}

// ANCHOR: routes
/// The paths this server knows. API Gateway does this matching in its configuration (chapter
/// 3); here it is chapter 1's [`BlogPath`] parser, plus the health check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/blog` or `/blog/{id}`.
    Blog(BlogPath),
    /// `/health`, for the load balancer's health checks.
    Health,
    Unknown,
}

/// Where the load balancer checks that a task is healthy.
pub const HEALTH_PATH: &str = "/health";

impl Route {
    /// The route as a log line names it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Blog(path) if path.id().is_some() => BlogPath::ITEM,
            Self::Blog(_) => BlogPath::COLLECTION,
            Self::Health => HEALTH_PATH,
            Self::Unknown => "(none)",
        }
    }

    pub fn of(path: &str) -> Self {
        match BlogPath::parse(path) {
            Some(path) => Self::Blog(path),
            None if path == HEALTH_PATH => Self::Health,
            None => Self::Unknown,
        }
    }
}
// ANCHOR_END: routes

// ANCHOR: handle
/// Answers one request. Requests to the blog go through chapter 1's [`Blog::observe`], which
/// writes their one log line and tags the answer with the request's id; the load balancer's
/// health checks (every few seconds, forever) are answered without a line.
pub async fn handle<B>(app: &App, request: Request<B>) -> Response<Full<Bytes>>
where
    B: Body<Data = Bytes>,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let route = Route::of(request.uri().path());
    if route == Route::Health {
        return to_hyper(health(request.method()));
    }
    let request_id = request_id(request.headers());
    let trace_id = trace_root(request.headers()).map(str::to_owned);
    let trace_header = request
        .headers()
        .get(TRACE_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let method = request.method().clone();
    let info = RequestInfo {
        request_id: &request_id,
        trace_id: trace_id.as_deref(),
        trace_header: trace_header.as_deref(),
        method: &method,
        route: route.name(),
    };
    let body_timeout = app.body_timeout;
    let response = app
        .blog
        .observe(info, |blog| answer(blog, body_timeout, route, request))
        .await;
    to_hyper(response)
}

async fn answer<B>(
    blog: Blog,
    body_timeout: Duration,
    route: Route,
    request: Request<B>,
) -> ApiResponse
where
    B: Body<Data = Bytes>,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    match route {
        Route::Blog(path) => match to_api_request(request, path, body_timeout).await {
            Ok(api_request) => blog.handle(&api_request).await,
            Err(err) => err.into(),
        },
        Route::Health => health(request.method()),
        Route::Unknown => BlogError::NotFound(format!(
            "nothing is served at {}; the API is at /blog",
            request.uri().path()
        ))
        .into(),
    }
}

fn health(method: &Method) -> ApiResponse {
    match *method {
        Method::GET | Method::HEAD => {
            ApiResponse::json(StatusCode::OK, &serde_json::json!({ "status": "ok" }))
        }
        Method::OPTIONS => preflight(),
        ref method => BlogError::MethodNotAllowed {
            method: method.to_string(),
            allow: "GET, OPTIONS",
        }
        .into(),
    }
}
// ANCHOR_END: handle

// ANCHOR: request_id
/// The id of a request: the `Root` of the trace id the load balancer adds to every request it
/// forwards (`X-Amzn-Trace-Id: Root=1-67891233-abcdef012345678912345678`), the id its own access
/// log and X-Ray use, read by chapter 1's [`trace_root`]: only one of the documented shape.
/// Anything else (or none, as on your machine) gets a new random id instead of whatever the
/// client wrote into our logs.
pub fn request_id(headers: &HeaderMap) -> String {
    trace_root(headers)
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}
// ANCHOR_END: request_id
// ANCHOR_END: handle

// ANCHOR: to_api_request
/// Reads a hyper request into chapter 1's description of it. The body is read with a limit and
/// a deadline: a client cannot make the server buffer more than 256 KiB, nor hold a request open
/// by sending its body slowly.
pub async fn to_api_request<B>(
    request: Request<B>,
    path: BlogPath,
    body_timeout: Duration,
) -> Result<ApiRequest, BlogError>
where
    B: Body<Data = Bytes>,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let (parts, body) = request.into_parts();
    let too_large = BlogError::PayloadTooLarge {
        limit: MAX_BODY_BYTES,
    };
    // A declared length over the limit is refused before a single body byte is read.
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(too_large);
    }
    // A request without a body (most GETs and DELETEs) has nothing to wait for: no deadline to
    // arm. Otherwise (chunked, or a length that lies) the limit is enforced while reading.
    let body = if body.is_end_stream() {
        Bytes::new()
    } else {
        tokio::time::timeout(body_timeout, Limited::new(body, MAX_BODY_BYTES).collect())
            .await
            .map_err(|_| BlogError::RequestTimeout {
                seconds: body_timeout.as_secs(),
            })?
            .map_err(|err| {
                if err.downcast_ref::<LengthLimitError>().is_some() {
                    too_large.clone()
                } else {
                    BlogError::BadRequest(format!("the request body could not be read: {err}"))
                }
            })?
            .to_bytes()
    };
    let query = parts
        .uri
        .query()
        .map(|query| {
            form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let content_type = parts
        .headers
        .get(ch01_blog_core::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    Ok(ApiRequest {
        method: parts.method,
        id: path.id().map(str::to_owned),
        query,
        content_type,
        body: body.to_vec(),
    })
}

/// Chapter 1's response as a hyper response.
pub fn to_hyper(response: ApiResponse) -> Response<Full<Bytes>> {
    response
        .into_http()
        .map(|body| Full::new(Bytes::from(body)))
}
// ANCHOR_END: to_api_request
