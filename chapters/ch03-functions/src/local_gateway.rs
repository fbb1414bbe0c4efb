//! A local stand-in for API Gateway: enough of it to run the four functions on your machine
//! without AWS and without `cargo lambda`.
//!
//! For each HTTP request it does what the REST API of chapter 6 does: match the path and method to
//! a function, build the proxy event API Gateway would send, invoke that function's handler (in
//! this process, through `lambda_http`'s adapter, exactly as the Lambda runtime would) and turn the
//! proxy response JSON back into HTTP.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use ch01_blog_core::http::{Method, Request, Response, StatusCode};
use ch01_blog_core::{ApiResponse, Blog, BlogError, COLLECTION_METHODS, ITEM_METHODS, preflight};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;

use crate::Endpoint;

/// API Gateway's own limit on a request body (10 MB); our functions enforce 64 KiB themselves.
const GATEWAY_MAX_BODY: usize = 10 * 1024 * 1024;

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
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (resource, id, allow) = match segments.as_slice() {
        ["blog"] => ("/blog", None, COLLECTION_METHODS),
        ["blog", id] if !id.is_empty() => ("/blog/{id}", Some(percent_decode(id)), ITEM_METHODS),
        _ => return Route::Unrouted,
    };
    if method == Method::OPTIONS {
        return Route::Preflight;
    }
    match Endpoint::ALL
        .into_iter()
        .find(|endpoint| endpoint.route() == (method.clone(), resource))
    {
        Some(endpoint) => Route::Function {
            endpoint,
            resource,
            id,
        },
        None => Route::MethodNotAllowed { allow },
    }
}
// ANCHOR_END: routing

/// Path parameters reach the function decoded, as API Gateway decodes them.
fn percent_decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

/// The functions of one stage, sharing one blog (and so one store), answering HTTP.
#[derive(Debug)]
pub struct LocalApiGateway {
    blog: Blog,
    stage: String,
    request_ids: AtomicU64,
}

impl LocalApiGateway {
    /// A gateway for stage `Prod`, like the stack's REST API.
    pub fn new(blog: Blog) -> Self {
        Self {
            blog,
            stage: "Prod".to_owned(),
            request_ids: AtomicU64::new(0),
        }
    }

    pub fn stage(&self) -> &str {
        &self.stage
    }

    // ANCHOR: proxy_event
    /// The REST API (v1) proxy event API Gateway sends for `request`, routed to `resource`.
    pub fn proxy_event(
        &self,
        request: &Request<Bytes>,
        resource: &str,
        id: Option<&str>,
        source_ip: &str,
        request_id: &str,
    ) -> Value {
        let path = request.uri().path();
        let path_below_stage = path
            .strip_prefix(&format!("/{}", self.stage))
            .unwrap_or(path);

        // Headers: `headers` keeps the last value of each, `multiValueHeaders` all of them.
        let mut headers = Map::new();
        let mut multi_headers: Map<String, Value> = Map::new();
        for (name, value) in request.headers() {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            headers.insert(name.to_string(), json!(value));
            multi_headers
                .entry(name.to_string())
                .or_insert_with(|| json!([]))
                .as_array_mut()
                .expect("an array")
                .push(json!(value));
        }

        // The query string, decoded, the same two ways; `null` when there is none.
        let pairs: Vec<(String, String)> = request
            .uri()
            .query()
            .map(|query| {
                form_urlencoded::parse(query.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        let (query, multi_query) = if pairs.is_empty() {
            (Value::Null, Value::Null)
        } else {
            let mut single = Map::new();
            let mut multi: Map<String, Value> = Map::new();
            for (name, value) in pairs {
                single.insert(name.clone(), json!(value));
                multi
                    .entry(name)
                    .or_insert_with(|| json!([]))
                    .as_array_mut()
                    .expect("an array")
                    .push(json!(value));
            }
            (Value::Object(single), Value::Object(multi))
        };

        // A text body is passed as it is; bytes that are not UTF-8 are base64-encoded, as API
        // Gateway does for binary media types.
        let (body, is_base64) = match std::str::from_utf8(request.body()) {
            _ if request.body().is_empty() => (Value::Null, false),
            Ok(text) => (json!(text), false),
            Err(_) => (json!(BASE64.encode(request.body())), true),
        };

        let epoch_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_millis() as u64)
            .unwrap_or_default();
        json!({
            "resource": resource,
            "path": path_below_stage,
            "httpMethod": request.method().as_str(),
            "headers": headers,
            "multiValueHeaders": multi_headers,
            "queryStringParameters": query,
            "multiValueQueryStringParameters": multi_query,
            "pathParameters": id.map(|id| json!({ "id": id })).unwrap_or(Value::Null),
            "stageVariables": null,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "local",
                "resourceId": "local",
                "resourcePath": resource,
                "httpMethod": request.method().as_str(),
                "path": path,
                "stage": self.stage,
                "protocol": "HTTP/1.1",
                "requestId": request_id,
                "requestTimeEpoch": epoch_ms,
                "identity": {
                    "sourceIp": source_ip,
                    "userAgent": headers.get("user-agent").cloned().unwrap_or(Value::Null),
                },
            },
            "body": body,
            "isBase64Encoded": is_base64,
        })
    }
    // ANCHOR_END: proxy_event

    // ANCHOR: handle
    /// Answers one HTTP request as API Gateway and the function behind it would.
    pub async fn handle(&self, request: Request<Bytes>, source_ip: &str) -> Response<Bytes> {
        let request_id = format!(
            "local-{:08}",
            self.request_ids.fetch_add(1, Ordering::Relaxed) + 1
        );
        let mut response = self.route_and_invoke(request, source_ip, &request_id).await;
        // API Gateway tags every answer with the id of the request, also found in the logs.
        response.headers_mut().insert(
            "x-amzn-requestid",
            request_id.parse().expect("a valid header value"),
        );
        response
    }

    async fn route_and_invoke(
        &self,
        request: Request<Bytes>,
        source_ip: &str,
        request_id: &str,
    ) -> Response<Bytes> {
        let path = request.uri().path().to_owned();
        let Some(below_stage) = path.strip_prefix(&format!("/{}/", self.stage)) else {
            return missing_authentication_token();
        };
        match route(request.method(), below_stage) {
            Route::Unrouted => missing_authentication_token(),
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
                let event =
                    self.proxy_event(&request, resource, id.as_deref(), source_ip, request_id);
                match crate::invoke(&self.blog, endpoint, event).await {
                    Ok(proxy_response) => from_proxy_response(&proxy_response),
                    // What API Gateway answers when the function itself fails.
                    Err(err) => {
                        tracing::error!(%err, function = endpoint.function_name(), "invoke failed");
                        gateway_error(StatusCode::BAD_GATEWAY, "Internal server error")
                    }
                }
            }
        }
    }
    // ANCHOR_END: handle

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

/// A response from chapter 1 (a mock integration's answer) as HTTP.
fn to_http(response: ApiResponse) -> Response<Bytes> {
    response.into_http().map(Bytes::from)
}

// ANCHOR: from_proxy_response
/// Turns the function's proxy response JSON into the HTTP response API Gateway sends.
pub fn from_proxy_response(proxy: &Value) -> Response<Bytes> {
    let status = proxy["statusCode"]
        .as_u64()
        .and_then(|code| u16::try_from(code).ok());
    let Some(status) = status.and_then(|code| StatusCode::from_u16(code).ok()) else {
        return gateway_error(StatusCode::BAD_GATEWAY, "Internal server error");
    };
    let mut builder = Response::builder().status(status);
    if let Some(headers) = proxy["headers"].as_object() {
        for (name, value) in headers {
            builder = builder.header(name, value.as_str().unwrap_or_default());
        }
    }
    if let Some(headers) = proxy["multiValueHeaders"].as_object() {
        for (name, values) in headers {
            for value in values.as_array().into_iter().flatten() {
                builder = builder.header(name, value.as_str().unwrap_or_default());
            }
        }
    }
    let text = proxy["body"].as_str().unwrap_or_default();
    let body = if proxy["isBase64Encoded"].as_bool() == Some(true) {
        BASE64.decode(text).unwrap_or_default()
    } else {
        text.as_bytes().to_vec()
    };
    builder
        .body(Bytes::from(body))
        .unwrap_or_else(|_| gateway_error(StatusCode::BAD_GATEWAY, "Internal server error"))
}
// ANCHOR_END: from_proxy_response

/// API Gateway's answer for a path or method no route matches.
fn missing_authentication_token() -> Response<Bytes> {
    let mut response = gateway_error(StatusCode::FORBIDDEN, "Missing Authentication Token");
    response.headers_mut().insert(
        "x-amzn-errortype",
        "MissingAuthenticationTokenException"
            .parse()
            .expect("a valid header"),
    );
    response
}

/// An error API Gateway produces itself: `{"message": ...}`, not our error shape.
fn gateway_error(status: StatusCode, message: &str) -> Response<Bytes> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Bytes::from(json!({ "message": message }).to_string()))
        .expect("a valid response")
}
