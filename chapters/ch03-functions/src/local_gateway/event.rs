//! The two documents API Gateway exchanges with a function: the REST API (v1) proxy event it
//! sends, and the proxy response it reads back. Both are `aws_lambda_events`' own types, the
//! ones `lambda_http` parses inside every function, so the local gateway and the functions
//! cannot disagree about a field.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use ch01_blog_core::EVERY_RESPONSE_HEADERS;
use ch01_blog_core::http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use lambda_http::Body;
use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayProxyRequest, ApiGatewayProxyRequestContext, ApiGatewayProxyResponse,
    ApiGatewayV2httpRequest, ApiGatewayV2httpRequestContext,
    ApiGatewayV2httpRequestContextHttpDescription, ApiGatewayV2httpResponse,
};
use lambda_http::aws_lambda_events::query_map::QueryMap;
use lambda_http::request::LambdaRequest;

/// Where a request came from, as API Gateway records it in the event's `requestContext`.
#[derive(Debug, Clone)]
pub struct Caller<'a> {
    pub source_ip: &'a str,
    pub request_id: &'a str,
}

// ANCHOR: proxy_event
/// The REST API (v1) proxy event API Gateway sends for `request` (its path still includes the
/// stage), after it matched `resource` and, for `/blog/{id}`, the path parameter `id`.
pub fn proxy_event(
    request: &Request<Bytes>,
    stage: &str,
    resource: &str,
    id: Option<&str>,
    caller: &Caller<'_>,
) -> ApiGatewayProxyRequest {
    let path = request.uri().path();
    let below_stage = path.strip_prefix(&format!("/{stage}")).unwrap_or(path);

    // `headers` keeps the last value of each header, `multiValueHeaders` all of them.
    let mut all = request.headers().clone();
    add_trace_header(&mut all, caller);
    let mut headers = HeaderMap::new();
    for (name, value) in &all {
        headers.insert(name, value.clone());
    }

    // The query string, decoded, kept the same two ways.
    let mut query: HashMap<String, Vec<String>> = HashMap::new();
    for (name, value) in request
        .uri()
        .query()
        .map(|query| form_urlencoded::parse(query.as_bytes()).into_owned())
        .into_iter()
        .flatten()
    {
        query.entry(name).or_default().push(value);
    }
    let query = QueryMap::from(query);

    let (body, is_base64_encoded) = event_body(request);

    let mut context = ApiGatewayProxyRequestContext::default();
    context.account_id = Some("123456789012".to_owned());
    context.apiid = Some("local".to_owned());
    context.resource_id = Some("local".to_owned());
    context.resource_path = Some(resource.to_owned());
    context.http_method = request.method().clone();
    context.path = Some(path.to_owned());
    context.stage = Some(stage.to_owned());
    context.protocol = Some("HTTP/1.1".to_owned());
    context.request_id = Some(caller.request_id.to_owned());
    context.request_time_epoch = epoch_millis();
    context.identity.source_ip = Some(caller.source_ip.to_owned());
    context.identity.user_agent = user_agent(request);

    let mut event = ApiGatewayProxyRequest::default();
    event.resource = Some(resource.to_owned());
    event.path = Some(below_stage.to_owned());
    event.http_method = request.method().clone();
    event.headers = headers;
    event.multi_value_headers = all;
    event.query_string_parameters = query.clone();
    event.multi_value_query_string_parameters = query;
    event.path_parameters = id
        .map(|id| HashMap::from([("id".to_owned(), id.to_owned())]))
        .unwrap_or_default();
    event.request_context = context;
    event.body = body;
    event.is_base64_encoded = is_base64_encoded;
    event
}
// ANCHOR_END: proxy_event

/// API Gateway passes a trace header to the function with every request (AWS's example events
/// carry one); a client's own is kept. Here its `Root` is made from the request id's 32 hex
/// digits (a UUID's): unique per request and in X-Ray's shape, `1-` 8 hex digits `-` 24 more
/// (on AWS the first 8 are the request's time).
fn add_trace_header(headers: &mut HeaderMap, caller: &Caller<'_>) {
    if headers.contains_key(ch01_blog_core::TRACE_HEADER) {
        return;
    }
    let hex: String = caller
        .request_id
        .chars()
        .filter(char::is_ascii_hexdigit)
        .chain(std::iter::repeat('0'))
        .take(32)
        .collect();
    let root = format!("Root=1-{}-{}", &hex[..8], &hex[8..]);
    if let Ok(value) = HeaderValue::from_str(&root) {
        headers.insert(ch01_blog_core::TRACE_HEADER, value);
    }
}

// ANCHOR: http_api_event
/// The event an HTTP API sends with payload format 2.0 (a function URL sends the same shape) for
/// `request`, after it matched the route `route_key` (`GET /blog/{id}`) and its path parameters.
/// On the `$default` stage the path has no stage in it.
pub fn http_api_event(
    request: &Request<Bytes>,
    stage: &str,
    route_key: &str,
    path_parameters: HashMap<String, String>,
    caller: &Caller<'_>,
) -> ApiGatewayV2httpRequest {
    // One value per header name, several joined with commas; cookies in a list of their own.
    let mut all = request.headers().clone();
    add_trace_header(&mut all, caller);
    let mut headers = HeaderMap::new();
    let mut cookies = Vec::new();
    for name in all.keys() {
        let values: Vec<&str> = all
            .get_all(name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect();
        if name == "cookie" {
            cookies.extend(values.iter().flat_map(|v| v.split("; ")).map(str::to_owned));
        } else if let Ok(value) = HeaderValue::from_str(&values.join(",")) {
            headers.insert(name, value);
        }
    }
    let (body, is_base64_encoded) = event_body(request);

    let mut http = ApiGatewayV2httpRequestContextHttpDescription::default();
    http.method = request.method().clone();
    http.path = Some(request.uri().path().to_owned());
    http.protocol = Some("HTTP/1.1".to_owned());
    http.source_ip = Some(caller.source_ip.to_owned());
    http.user_agent = user_agent(request);
    let mut context = ApiGatewayV2httpRequestContext::default();
    context.route_key = Some(route_key.to_owned());
    context.account_id = Some("123456789012".to_owned());
    context.stage = Some(stage.to_owned());
    context.request_id = Some(caller.request_id.to_owned());
    context.apiid = Some("local".to_owned());
    context.domain_name = Some("local.execute-api.localhost".to_owned());
    context.domain_prefix = Some("local".to_owned());
    context.time_epoch = epoch_millis();
    context.http = http;

    let mut event = ApiGatewayV2httpRequest::default();
    event.version = Some("2.0".to_owned());
    event.route_key = Some(route_key.to_owned());
    event.raw_path = Some(request.uri().path().to_owned());
    event.raw_query_string = Some(request.uri().query().unwrap_or_default().to_owned());
    event.cookies = (!cookies.is_empty()).then_some(cookies);
    event.headers = headers;
    event.path_parameters = path_parameters;
    event.request_context = context;
    event.body = body;
    event.is_base64_encoded = is_base64_encoded;
    event
}
// ANCHOR_END: http_api_event

/// A function URL's event for `request`: payload format 2.0, like an HTTP API's on its
/// `$default` route, with the URL's own domain (`<url-id>.lambda-url.<region>.on.aws`).
pub fn function_url_event(
    request: &Request<Bytes>,
    caller: &Caller<'_>,
) -> ApiGatewayV2httpRequest {
    let mut event = http_api_event(
        request,
        super::door::DEFAULT_STAGE,
        super::door::DEFAULT_STAGE,
        HashMap::new(),
        caller,
    );
    event.request_context.domain_name = Some("local.lambda-url.localhost".to_owned());
    event
}

// ANCHOR: door_event
/// An event as a front door sends it: a REST API's (payload format 1.0), or an HTTP API's or a
/// function URL's (2.0). `lambda_http` reads either, and answers in the same format.
#[derive(Debug, Clone)]
pub enum DoorEvent {
    Rest(ApiGatewayProxyRequest),
    Http(ApiGatewayV2httpRequest),
}

impl DoorEvent {
    /// The JSON Lambda hands the function: its size is what Lambda's 6 MB request limit
    /// applies to.
    pub fn to_json(&self) -> serde_json::Result<Vec<u8>> {
        match self {
            Self::Rest(event) => serde_json::to_vec(event),
            Self::Http(event) => serde_json::to_vec(event),
        }
    }

    /// The event as `lambda_http` reads it inside the function.
    pub fn into_lambda_request(self) -> LambdaRequest {
        match self {
            Self::Rest(event) => LambdaRequest::ApiGatewayV1(event),
            Self::Http(event) => LambdaRequest::ApiGatewayV2(event),
        }
    }
}
// ANCHOR_END: door_event

impl From<ApiGatewayProxyRequest> for DoorEvent {
    fn from(event: ApiGatewayProxyRequest) -> Self {
        Self::Rest(event)
    }
}

impl From<ApiGatewayV2httpRequest> for DoorEvent {
    fn from(event: ApiGatewayV2httpRequest) -> Self {
        Self::Http(event)
    }
}

/// The body as either event format carries it: a text body as it is; bytes that are not UTF-8
/// base64-encoded, as API Gateway does for binary media types; no body at all when it is empty.
fn event_body(request: &Request<Bytes>) -> (Option<String>, bool) {
    match std::str::from_utf8(request.body()) {
        _ if request.body().is_empty() => (None, false),
        Ok(text) => (Some(text.to_owned()), false),
        Err(_) => (Some(BASE64.encode(request.body())), true),
    }
}

/// The time the request arrived, in milliseconds since the Unix epoch.
fn epoch_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// The caller's `User-Agent`, which the request context records.
fn user_agent(request: &Request<Bytes>) -> Option<String> {
    request
        .headers()
        .get("user-agent")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// Turns a function's answer to a payload 2.0 event into the HTTP response an HTTP API (or a
/// function URL) sends: `headers` (one value each), `cookies` as `set-cookie` headers, and the
/// body, decoded when it is base64. `None` when the document is not a valid answer.
pub fn from_http_api_response(answer: ApiGatewayV2httpResponse) -> Option<Response<Bytes>> {
    let status = u16::try_from(answer.status_code)
        .ok()
        .and_then(|code| StatusCode::from_u16(code).ok())?;
    let body = match answer.body {
        None | Some(Body::Empty) => Bytes::new(),
        Some(Body::Text(text)) if answer.is_base64_encoded => {
            Bytes::from(BASE64.decode(text).ok()?)
        }
        Some(Body::Text(text)) => Bytes::from(text),
        Some(Body::Binary(bytes)) => Bytes::from(bytes),
        Some(_) => return None,
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    for (name, value) in &answer.headers {
        response.headers_mut().insert(name, value.clone());
    }
    for cookie in &answer.cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            response.headers_mut().append("set-cookie", value);
        }
    }
    Some(response)
}

/// The event API Gateway sends for `request` on a `/{proxy+}` resource: the greedy path
/// parameter `proxy` holds the path below the stage, without its first `/`. `None` for the
/// stage's root, which `{proxy+}` (one path segment or more) does not match.
pub fn greedy_proxy_event(
    request: &Request<Bytes>,
    stage: &str,
    caller: &Caller<'_>,
) -> Option<ApiGatewayProxyRequest> {
    let path = request.uri().path();
    let proxy = path
        .strip_prefix(&format!("/{stage}/"))
        .filter(|rest| !rest.is_empty())?;
    let mut event = proxy_event(request, stage, super::PROXY_RESOURCE, None, caller);
    event.path_parameters = HashMap::from([("proxy".to_owned(), proxy.to_owned())]);
    Some(event)
}

// ANCHOR: from_proxy_response
/// Turns a function's proxy response into the HTTP response API Gateway sends. A REST API
/// merges `headers` and `multiValueHeaders`; a status that is not a valid HTTP status is API
/// Gateway's `502`.
pub fn from_proxy_response(proxy: ApiGatewayProxyResponse) -> Response<Bytes> {
    let Some(status) = u16::try_from(proxy.status_code)
        .ok()
        .and_then(|code| StatusCode::from_u16(code).ok())
    else {
        return gateway_error(StatusCode::BAD_GATEWAY, "Internal server error");
    };
    let mut headers = proxy.multi_value_headers;
    for (name, value) in &proxy.headers {
        if !headers.contains_key(name) {
            headers.insert(name, value.clone());
        }
    }
    let body = match proxy.body {
        None | Some(Body::Empty) => Bytes::new(),
        Some(Body::Text(text)) if proxy.is_base64_encoded => {
            BASE64.decode(text).map(Bytes::from).unwrap_or_default()
        }
        Some(Body::Text(text)) => Bytes::from(text),
        Some(Body::Binary(bytes)) => Bytes::from(bytes),
        Some(_) => Bytes::new(),
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}
// ANCHOR_END: from_proxy_response

/// An error API Gateway produces itself: `{"message": ...}`, not our error shape. The stack
/// (chapter 6) configures API Gateway's default 4XX and 5XX gateway responses to carry the
/// headers every answer of ours carries (CORS, `nosniff`), so a browser can read them too.
pub fn gateway_error(status: StatusCode, message: &str) -> Response<Bytes> {
    let body = serde_json::json!({ "message": message }).to_string();
    let mut response = Response::new(Bytes::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        ch01_blog_core::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for (name, value) in EVERY_RESPONSE_HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // One origin, as the stack writes `-c allowedOrigin` into its gateway responses.
    headers.insert(
        ch01_blog_core::http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
        ch01_blog_core::allowed_origin().clone(),
    );
    response
}
