//! The request and the response every operation takes and gives, with no framework's types.

use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::Serialize;

use super::headers::standard_headers;
use crate::BlogError;

// ANCHOR: request
/// An HTTP request, reduced to what the blog needs.
#[derive(Debug, Clone, Default)]
pub struct ApiRequest {
    pub method: Method,
    /// The `{id}` of `/blog/{id}`; `None` for `/blog`.
    pub id: Option<String>,
    /// Decoded query string pairs, in order.
    pub query: Vec<(String, String)>,
    /// The `Content-Type` header, if any, exactly as sent.
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// An HTTP response, ready to be written by any framework.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResponse {
    pub status: StatusCode,
    /// `http`'s own header map: names are checked when they are made, and it keeps the order
    /// in which headers were added.
    pub headers: HeaderMap,
    /// JSON, or empty for `204 No Content`.
    pub body: Vec<u8>,
    /// What went wrong on the server side (a `500` or `503`): for the request's log line, never
    /// for the client.
    pub(crate) detail: Option<String>,
}
// ANCHOR_END: request

impl ApiRequest {
    /// The first value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub(super) fn require_json(&self) -> Result<(), BlogError> {
        let essence = self
            .content_type
            .as_deref()
            .and_then(|value| value.split(';').next())
            .map(str::trim);
        match essence {
            Some(mime) if mime.eq_ignore_ascii_case("application/json") => Ok(()),
            _ => Err(BlogError::UnsupportedMediaType),
        }
    }
}

impl ApiResponse {
    /// A response with a JSON body and the headers every response carries.
    pub fn json(status: StatusCode, body: &impl Serialize) -> Self {
        let body = serde_json::to_vec(body).expect("API types always serialize");
        Self::json_bytes(status, body)
    }

    /// A response whose body is JSON the caller serialized itself.
    pub(super) fn json_bytes(status: StatusCode, body: Vec<u8>) -> Self {
        Self {
            status,
            headers: standard_headers().json.clone(),
            body,
            detail: None,
        }
    }

    /// A response with no body (`204 No Content`): the headers every response carries, and no
    /// `Content-Type`.
    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            headers: standard_headers().empty.clone(),
            body: Vec::new(),
            detail: None,
        }
    }

    /// Adds a header after the standard ones.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// The value of a header, if it is there and readable as text.
    pub fn header(&self, name: impl http::header::AsHeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The same response as an `http::Response`, for frameworks built on the `http` crate
    /// (hyper, lambda_http): each backend then only converts the body type.
    pub fn into_http(self) -> http::Response<Vec<u8>> {
        let mut response = http::Response::new(self.body);
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        response
    }
}
