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
};
use lambda_http::aws_lambda_events::query_map::QueryMap;

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
    let mut headers = HeaderMap::new();
    for (name, value) in request.headers() {
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

    // A text body is passed as it is; bytes that are not UTF-8 are base64-encoded, as API
    // Gateway does for binary media types.
    let (body, is_base64_encoded) = match std::str::from_utf8(request.body()) {
        _ if request.body().is_empty() => (None, false),
        Ok(text) => (Some(text.to_owned()), false),
        Err(_) => (Some(BASE64.encode(request.body())), true),
    };

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
    context.request_time_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default();
    context.identity.source_ip = Some(caller.source_ip.to_owned());
    context.identity.user_agent = request
        .headers()
        .get("user-agent")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);

    let mut event = ApiGatewayProxyRequest::default();
    event.resource = Some(resource.to_owned());
    event.path = Some(below_stage.to_owned());
    event.http_method = request.method().clone();
    event.headers = headers;
    event.multi_value_headers = request.headers().clone();
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
