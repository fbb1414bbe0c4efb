//! The three front doors a Lambda function can have for HTTP, and what each does on its own:
//! where its URLs start, which event it sends, how it routes, its limits, and the answers it
//! writes itself when no function answers.

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use ch01_blog_core::BlogPath;
use ch01_blog_core::http::{HeaderValue, Method, Response, StatusCode};

use super::event::gateway_error;
use crate::{Endpoint, STAGE};

// ANCHOR: door
/// What stands between a client and the functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Door {
    /// An API Gateway REST API on stage `Prod`, payload format 1.0: chapter 6's.
    RestApi,
    /// An API Gateway HTTP API on its `$default` stage, payload format 2.0.
    HttpApi,
    /// A Lambda function URL, payload format 2.0: one function, every path.
    FunctionUrl,
}
// ANCHOR_END: door

/// An HTTP API's integration timeout: 30 s, and it cannot be raised.
pub const HTTP_API_INTEGRATION_TIMEOUT_SECS: u64 = 30;
/// The largest answer Lambda streams: 200 MB.
pub const LAMBDA_MAX_STREAMED_RESPONSE_BYTES: usize = 200 * 1024 * 1024;
/// How much of a streamed answer Lambda sends at full speed: 6 MB ...
pub const LAMBDA_STREAM_UNCAPPED_BYTES: usize = 6 * 1024 * 1024;
/// ... and its speed after that: 2 MB a second.
pub const LAMBDA_STREAM_CAPPED_BYTES_PER_SECOND: usize = 2 * 1024 * 1024;
/// The stage of an HTTP API whose URL has no stage in it, and the `routeKey` of its catch-all
/// route (a function URL's events carry the same two).
pub const DEFAULT_STAGE: &str = "$default";

impl Door {
    pub const ALL: [Self; 3] = [Self::RestApi, Self::HttpApi, Self::FunctionUrl];

    /// Its name in the book's tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::RestApi => "REST API",
            Self::HttpApi => "HTTP API",
            Self::FunctionUrl => "function URL",
        }
    }

    /// The path every URL of the API starts with: the stage for a REST API, nothing for the
    /// others (an HTTP API's `$default` stage is not in its URLs).
    pub fn base_path(self) -> String {
        match self {
            Self::RestApi => format!("/{STAGE}"),
            Self::HttpApi | Self::FunctionUrl => String::new(),
        }
    }

    /// The version of the event the function receives.
    pub fn payload_format(self) -> &'static str {
        match self {
            Self::RestApi => "1.0",
            Self::HttpApi | Self::FunctionUrl => "2.0",
        }
    }

    /// The largest request body the door accepts before any function runs: API Gateway's
    /// 10 MB; a function URL's is Lambda's own 6 MB for the whole event.
    pub fn max_request_body(self) -> usize {
        match self {
            Self::RestApi | Self::HttpApi => super::GATEWAY_MAX_BODY,
            Self::FunctionUrl => super::LAMBDA_MAX_REQUEST_BYTES,
        }
    }

    /// How long the door waits for a function before it answers the client itself; a function
    /// URL waits as long as the function may run.
    pub fn integration_timeout(self) -> Option<Duration> {
        match self {
            Self::RestApi => Some(Duration::from_secs(super::INTEGRATION_TIMEOUT_SECS)),
            Self::HttpApi => Some(Duration::from_secs(HTTP_API_INTEGRATION_TIMEOUT_SECS)),
            Self::FunctionUrl => None,
        }
    }

    /// The largest answer the door can stream from a function, if it can stream at all: a REST
    /// API's `STREAM` transfer mode (since November 2025) and a function URL's `RESPONSE_STREAM`
    /// invoke mode both carry Lambda's streamed answer; an HTTP API buffers every answer.
    pub fn max_streamed_response(self) -> Option<usize> {
        match self {
            Self::RestApi | Self::FunctionUrl => Some(LAMBDA_MAX_STREAMED_RESPONSE_BYTES),
            Self::HttpApi => None,
        }
    }

    /// The header a REST API tags every answer with, holding the id of the request (AWS's
    /// "Set up CloudWatch logging for REST APIs"). AWS documents none for the other two doors,
    /// so the local gateway adds none there.
    pub fn request_id_header(self) -> Option<&'static str> {
        match self {
            Self::RestApi => Some("x-amzn-requestid"),
            Self::HttpApi | Self::FunctionUrl => None,
        }
    }

    // ANCHOR: own_answers
    /// The door's answer when no route matches (a function URL has no routes: every request
    /// reaches its function). Both bodies are documented by AWS.
    pub fn no_route(self) -> Response<Bytes> {
        match self {
            Self::RestApi => {
                let mut response =
                    gateway_error(StatusCode::FORBIDDEN, "Missing Authentication Token");
                response.headers_mut().insert(
                    "x-amzn-errortype",
                    HeaderValue::from_static("MissingAuthenticationTokenException"),
                );
                response
            }
            Self::HttpApi | Self::FunctionUrl => bare_error(StatusCode::NOT_FOUND, "Not Found"),
        }
    }

    /// The door's answer when the function failed: it returned an error, answered something
    /// that is not a response, or answered more than Lambda's 6 MB. An HTTP API's body is
    /// documented, its status is the one that body names; for a function URL AWS documents only
    /// "5XX", and the local gateway answers `502`.
    pub fn function_failed(self) -> Response<Bytes> {
        match self {
            Self::RestApi => gateway_error(StatusCode::BAD_GATEWAY, "Internal server error"),
            Self::HttpApi => bare_error(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error"),
            Self::FunctionUrl => bare_error(StatusCode::BAD_GATEWAY, "Internal Server Error"),
        }
    }

    /// The door's answer when Lambda refuses the event (over its 6 MB request limit).
    pub fn event_refused(self) -> Response<Bytes> {
        match self {
            Self::RestApi => {
                gateway_error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
            }
            Self::HttpApi => bare_error(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error"),
            // A function URL's limit on the request is Lambda's own: the same refusal.
            Self::FunctionUrl => self.body_too_large(),
        }
    }

    /// The door's answer when it stopped waiting for the function. AWS documents no answer for
    /// an HTTP API; `503 Service Unavailable` is what its users report.
    pub fn timed_out(self) -> Response<Bytes> {
        match self {
            Self::RestApi => {
                gateway_error(StatusCode::GATEWAY_TIMEOUT, "Endpoint request timed out")
            }
            Self::HttpApi | Self::FunctionUrl => {
                bare_error(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable")
            }
        }
    }

    /// The door's answer to a body over [`Door::max_request_body`]: `413`, whose body only the
    /// REST API's gateway responses document.
    pub fn body_too_large(self) -> Response<Bytes> {
        match self {
            Self::RestApi => gateway_error(StatusCode::PAYLOAD_TOO_LARGE, "Request Too Long"),
            Self::HttpApi | Self::FunctionUrl => {
                bare_error(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large")
            }
        }
    }
    // ANCHOR_END: own_answers
}

/// An error an HTTP API or a function URL writes itself: `{"message": ...}` with none of the
/// headers our answers carry (neither lets you configure its own error answers, as a REST
/// API's gateway responses do), so a browser on another origin cannot read it.
fn bare_error(status: StatusCode, message: &str) -> Response<Bytes> {
    let body = serde_json::json!({ "message": message }).to_string();
    let mut response = Response::new(Bytes::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        ch01_blog_core::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

// ANCHOR: http_api_routes
/// A route of the HTTP API in front of the four functions: its key, the function it invokes,
/// and the path parameters it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpApiRoute {
    pub route_key: String,
    pub endpoint: Endpoint,
    pub path_parameters: HashMap<String, String>,
}

/// Routes a request as the HTTP API of the four functions does. Each function has its own
/// route (`GET /blog`); every other method on a resource takes the resource's `ANY` route to
/// the function that reads it, which answers a preflight or `405` as the contract says (an HTTP
/// API has no mock integrations). A path with no resource matches nothing: `None`.
pub fn http_api_route(method: &Method, path: &str) -> Option<HttpApiRoute> {
    let path = BlogPath::parse(path)?;
    let resource = path.resource();
    let path_parameters = path
        .id()
        .map(|id| HashMap::from([("id".to_owned(), id.to_owned())]))
        .unwrap_or_default();
    let own = Endpoint::ALL
        .into_iter()
        .find(|endpoint| endpoint.route() == (method.clone(), resource));
    let (route_key, endpoint) = match own {
        Some(endpoint) => (format!("{method} {resource}"), endpoint),
        None if resource == BlogPath::COLLECTION => (format!("ANY {resource}"), Endpoint::GetPosts),
        None => (format!("ANY {resource}"), Endpoint::GetPost),
    };
    Some(HttpApiRoute {
        route_key,
        endpoint,
        path_parameters,
    })
}

/// Every route of that HTTP API, as `(route key, function)`: what the stack creates.
pub fn http_api_routes() -> Vec<(String, &'static str)> {
    let mut routes: Vec<(String, &'static str)> = Endpoint::ALL
        .into_iter()
        .map(|endpoint| {
            let (method, resource) = endpoint.route();
            (format!("{method} {resource}"), endpoint.function_name())
        })
        .collect();
    routes.push((
        format!("ANY {}", BlogPath::COLLECTION),
        Endpoint::GetPosts.function_name(),
    ));
    routes.push((
        format!("ANY {}", BlogPath::ITEM),
        Endpoint::GetPost.function_name(),
    ));
    routes
}
// ANCHOR_END: http_api_routes
