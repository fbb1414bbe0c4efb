//! One log line per request, the same on both backends, and the request id that ties it to the
//! answer: what a person reads in CloudWatch Logs to follow one request from the page to the
//! store and back.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use http::{HeaderMap, HeaderName, HeaderValue, Method};

use super::{ApiResponse, Blog, ErrorBody};
use crate::store::{Cursor, Page, PostStore, StoreOperation};
use crate::{BlogError, Post};

// ANCHOR: request_line
/// The header every answer of the blog carries its request's id in. The same id is the
/// `request_id` of the request's log line.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// What a backend knows about a request before the blog answers it.
#[derive(Debug, Clone, Copy)]
pub struct RequestInfo<'a> {
    /// API Gateway's request id on the functions, the load balancer's trace id on the container.
    pub request_id: &'a str,
    /// The X-Ray trace the request came with ([`trace_root`]), when it came with one: what finds
    /// the request's trace in X-Ray.
    pub trace_id: Option<&'a str>,
    /// The whole X-Ray trace header the request's spans join: Lambda's for the invocation on the
    /// functions (`Root`, `Parent`, `Sampled`), the load balancer's on the container (`Root`).
    pub trace_header: Option<&'a str>,
    pub method: &'a Method,
    /// The route, not the path: `/blog/{id}`, so that a query can group by it.
    pub route: &'a str,
}

impl Blog {
    /// Answers one request with `answer`, given a blog whose store calls are timed, then writes
    /// the request's one log line and tags the answer with its id.
    pub async fn observe<F, Fut>(&self, info: RequestInfo<'_>, answer: F) -> ApiResponse
    where
        F: FnOnce(Blog) -> Fut,
        Fut: Future<Output = ApiResponse>,
    {
        let started = Instant::now();
        let store = Arc::new(TimedStore {
            inner: Arc::clone(&self.store),
            took: Mutex::new(None),
        });
        let blog = Blog {
            store: Arc::clone(&store) as Arc<dyn PostStore>,
            ..self.clone()
        };
        // The request's span, with the store's span inside it: what a trace shows (named with
        // OpenTelemetry's conventions, which `tracing-opentelemetry` reads). At DEBUG: the JSON
        // log lines, at INFO, neither build nor format them, so a request pays for its spans only
        // where something collects them.
        let span = tracing::debug_span!(
            "request",
            otel.name = format!("{} {}", info.method, info.route),
            otel.kind = "server",
            request_id = info.request_id,
            trace_id = info.trace_id,
            http.request.method = info.method.as_str(),
            http.route = info.route,
            http.response.status_code = tracing::field::Empty,
        );
        if let Some(join) = FRONT_DOOR.get() {
            join(&span, info.trace_header);
        }
        let response = tracing::Instrument::instrument(answer(blog), span.clone()).await;
        span.record("http.response.status_code", response.status.as_u16());
        let took = *store
            .took
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        log_request(&info, &response, started.elapsed(), took);
        match HeaderValue::try_from(info.request_id) {
            Ok(id) => response.with_header(HeaderName::from_static(REQUEST_ID_HEADER), id),
            Err(_) => response,
        }
    }
}

/// What puts a request's span in its front door's trace: the span and the request's X-Ray trace
/// header. Set once, by whatever sends the spans (chapter 12's `traces`); unset, the span is
/// left alone.
pub type JoinFrontDoor = fn(&tracing::Span, Option<&str>);

static FRONT_DOOR: std::sync::OnceLock<JoinFrontDoor> = std::sync::OnceLock::new();

/// Sets what [`Blog::observe`] calls on each request's span: once per process; a second call
/// changes nothing.
pub fn join_spans_to_front_door(join: JoinFrontDoor) {
    let _ = FRONT_DOOR.set(join);
}

/// The request's line: the same fields, in the same order, on both backends. A field with
/// nothing to say (`store_op` when the store was not asked, `code` on a success) is left out.
fn log_request(
    info: &RequestInfo<'_>,
    response: &ApiResponse,
    took: Duration,
    store: Option<(StoreOperation, Duration)>,
) {
    let status = response.status.as_u16();
    let code = (status >= 400)
        .then(|| serde_json::from_slice::<ErrorBody>(&response.body).ok())
        .flatten()
        .map(|body| body.code);
    let duration_ms = millis(took);
    let store_op = store.map(|(operation, _)| operation.name());
    let store_ms = store.map(|(_, took)| millis(took));
    let detail = response.detail.as_deref();
    let (request_id, trace_id) = (info.request_id, info.trace_id);
    let (route, method) = (info.route, info.method.as_str());
    if response.status.is_server_error() {
        tracing::error!(
            request_id,
            trace_id,
            method,
            route,
            status,
            duration_ms,
            store_op,
            store_ms,
            code,
            detail,
            "request"
        );
    } else {
        tracing::info!(
            request_id,
            trace_id,
            method,
            route,
            status,
            duration_ms,
            store_op,
            store_ms,
            code,
            "request"
        );
    }
}
// ANCHOR_END: request_line

// ANCHOR: trace_root
/// The header AWS's front doors trace a request with: the load balancer adds it to every request
/// it forwards, API Gateway to every request it passes to a function, and the Lambda runtime
/// client sets it from the invocation's own trace (`_X_AMZN_TRACE_ID`).
pub const TRACE_HEADER: &str = "x-amzn-trace-id";

/// The trace id of a request: the `Root` of its `X-Amzn-Trace-Id`
/// (`Root=1-67891233-abcdef012345678912345678;Parent=...;Sampled=1`), the id X-Ray finds its
/// trace by. A client may send a `Root` of its own, which the load balancer keeps, so only one of
/// the documented shape is taken: anything else is no trace id, never written to the logs as sent.
pub fn trace_root(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(TRACE_HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .split(';')
                .filter_map(|field| field.trim().strip_prefix("Root="))
                .find(|root| is_trace_root(root))
        })
}

/// `1-` then 8 hex digits (the time) `-` then 24 hex digits: the documented shape of a root.
fn is_trace_root(root: &str) -> bool {
    let hex =
        |text: &str, len: usize| text.len() == len && text.bytes().all(|b| b.is_ascii_hexdigit());
    match root.split('-').collect::<Vec<_>>()[..] {
        ["1", time, id] => hex(time, 8) && hex(id, 24),
        _ => false,
    }
}
// ANCHOR_END: trace_root

/// Milliseconds with three decimals: what a person reads, and what a query can sum.
fn millis(took: Duration) -> f64 {
    took.as_micros() as f64 / 1000.0
}

impl StoreOperation {
    /// The operation's name in a log line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Get => "get",
            Self::List => "list",
            Self::Delete => "delete",
        }
    }
}

/// A store that remembers which operation it was asked for and how long the store took: one
/// per request, around the process's one store.
struct TimedStore {
    inner: Arc<dyn PostStore>,
    took: Mutex<Option<(StoreOperation, Duration)>>,
}

impl TimedStore {
    async fn timed<T>(
        &self,
        operation: StoreOperation,
        call: impl Future<Output = Result<T, BlogError>>,
    ) -> Result<T, BlogError> {
        let started = Instant::now();
        let span = tracing::debug_span!(
            "store",
            otel.name = format!("store {}", operation.name()),
            otel.kind = "client",
            db.operation.name = operation.name(),
        );
        let result = tracing::Instrument::instrument(call, span).await;
        let took = started.elapsed();
        let mut slot = self
            .took
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let before = slot.map_or(Duration::ZERO, |(_, before)| before);
        *slot = Some((operation, before + took));
        result
    }
}

#[async_trait]
impl PostStore for TimedStore {
    async fn create(&self, post: &Post) -> Result<Post, BlogError> {
        self.timed(StoreOperation::Create, self.inner.create(post))
            .await
    }

    async fn get(&self, id: &str) -> Result<Post, BlogError> {
        self.timed(StoreOperation::Get, self.inner.get(id)).await
    }

    async fn list(&self, limit: usize, after: Option<&Cursor>) -> Result<Page, BlogError> {
        self.timed(StoreOperation::List, self.inner.list(limit, after))
            .await
    }

    async fn delete(&self, id: &str) -> Result<(), BlogError> {
        self.timed(StoreOperation::Delete, self.inner.delete(id))
            .await
    }
}
