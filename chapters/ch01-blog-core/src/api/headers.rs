//! The headers on every answer: CORS, so the demo page may call either backend, and `nosniff`.

use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use super::ApiResponse;

// ANCHOR: headers
/// The methods each resource answers, as the `Allow` header lists them.
pub const COLLECTION_METHODS: &str = "GET, POST, OPTIONS";
pub const ITEM_METHODS: &str = "GET, DELETE, OPTIONS";

/// Headers on every response. The CORS headers let the demo page call either backend from any
/// origin: the API has no cookies or credentials, so a wildcard origin is safe here (a deployment
/// can name one origin instead: [`CORS_ORIGIN_ENV`]). `nosniff` tells a browser to treat a body as
/// the `Content-Type` says and never guess (a JSON body holding `<script>` must not be run as
/// HTML).
pub const EVERY_RESPONSE_HEADERS: [(&str, &str); 5] = [
    // The default: a deployment that sets `CORS_ALLOW_ORIGIN` gets that origin instead.
    ("access-control-allow-origin", "*"),
    ("access-control-allow-methods", "GET, POST, DELETE, OPTIONS"),
    ("access-control-allow-headers", "content-type"),
    // What a page's script may read: where a new post is, and the id to look the request up by.
    ("access-control-expose-headers", "location, x-request-id"),
    ("x-content-type-options", "nosniff"),
];

/// The variable that names the one origin browsers may call the API from, instead of any (`*`):
/// the stack sets it on every function and task from its `allowedOrigin` context value.
pub const CORS_ORIGIN_ENV: &str = "CORS_ALLOW_ORIGIN";

/// The allowed origin: [`CORS_ORIGIN_ENV`] as the process found it at its first answer, else `*`.
pub fn allowed_origin() -> &'static HeaderValue {
    static ORIGIN: std::sync::OnceLock<HeaderValue> = std::sync::OnceLock::new();
    ORIGIN.get_or_init(|| {
        std::env::var(CORS_ORIGIN_ENV)
            .ok()
            .and_then(|origin| HeaderValue::try_from(origin).ok())
            .unwrap_or(HeaderValue::from_static("*"))
    })
}

/// The answer to a CORS preflight (`OPTIONS`): no body, just the CORS headers.
pub fn preflight() -> ApiResponse {
    ApiResponse::empty(StatusCode::NO_CONTENT).with_header(
        http::header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(PREFLIGHT_MAX_AGE),
    )
}

/// How long (seconds) a browser may cache a preflight's answer.
pub const PREFLIGHT_MAX_AGE: &str = "600";
// ANCHOR_END: headers

/// The headers a response starts with, built once per process: cloning a finished map is
/// cheaper than naming, validating and hashing six headers for every answer (chapter 9
/// measures the server's CPU per request).
pub(super) struct StandardHeaders {
    /// `Content-Type: application/json`, then [`EVERY_RESPONSE_HEADERS`].
    pub(super) json: HeaderMap,
    /// [`EVERY_RESPONSE_HEADERS`] alone, for answers without a body.
    pub(super) empty: HeaderMap,
}

pub(super) fn standard_headers() -> &'static StandardHeaders {
    static HEADERS: std::sync::OnceLock<StandardHeaders> = std::sync::OnceLock::new();
    HEADERS.get_or_init(|| {
        let every = EVERY_RESPONSE_HEADERS.iter().map(|(name, value)| {
            let value = match *name {
                "access-control-allow-origin" => allowed_origin().clone(),
                _ => HeaderValue::from_static(value),
            };
            (HeaderName::from_static(name), value)
        });
        let empty: HeaderMap = every.collect();
        let mut json = HeaderMap::with_capacity(empty.len() + 1);
        json.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        json.extend(empty.clone());
        StandardHeaders { json, empty }
    })
}
