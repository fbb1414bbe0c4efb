//! The one translation layer between `lambda_http` and chapter 1: an API Gateway request in, an
//! `ApiRequest` out; an `ApiResponse` in, a `lambda_http` response out. No error mapping happens
//! here: chapter 1 already turned every error into a response.

use ch01_blog_core::ApiRequest;
use lambda_http::http::header::CONTENT_TYPE;
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};

// ANCHOR: to_api_request
/// Reads what the blog needs from a request that `lambda_http` built from a proxy event.
pub fn to_api_request(request: &Request) -> ApiRequest {
    // `request.uri().path()` would be `/Prod/blog/42`: lambda_http puts the stage back into the
    // path. The `{id}` comes from the path parameters API Gateway matched instead, so the stage
    // never matters.
    let id = request
        .path_parameters_ref()
        .and_then(|params| params.first("id"))
        .map(str::to_owned);
    let query = request
        .query_string_parameters_ref()
        .map(|params| {
            params
                .iter()
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .collect()
        })
        .unwrap_or_default();
    // Read the header ourselves: `RequestPayloadExt::payload` returns `Ok(None)` when there is no
    // Content-Type, which would turn a missing header into a missing body.
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    ApiRequest {
        method: request.method().clone(),
        id,
        query,
        content_type,
        // lambda_http has already decoded a base64 body (`isBase64Encoded: true`).
        body: request.body().to_vec(),
    }
}
// ANCHOR_END: to_api_request

// ANCHOR: to_lambda_response
// ANCHOR: request_id
/// The id of the request: API Gateway's `requestContext.requestId`, the id it also writes in its
/// access log (and, on a REST API, returns in `x-amzn-RequestId`). An event without one (a test's
/// hand-made request) falls back to Lambda's id for the invocation.
pub fn request_id(request: &Request) -> String {
    let from_gateway = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => context.request_id.clone(),
        Some(RequestContext::ApiGatewayV2(context)) => context.request_id.clone(),
        _ => None,
    };
    from_gateway
        .or_else(|| {
            request
                .lambda_context_ref()
                .map(|context| context.request_id.clone())
        })
        .unwrap_or_default()
}
// ANCHOR_END: request_id

/// Builds the response `lambda_http` turns into the proxy response JSON. A REST API expects
/// headers in `multiValueHeaders`; lambda_http puts them there.
pub fn to_lambda_response(response: ch01_blog_core::ApiResponse) -> Response<Body> {
    response.into_http().map(|body| {
        if body.is_empty() {
            Body::Empty
        } else {
            // Our bodies are JSON, always UTF-8: sent as text, not base64.
            Body::Text(String::from_utf8(body).expect("JSON is UTF-8"))
        }
    })
}
// ANCHOR_END: to_lambda_response
