//! The crate's one error type, and the one place where an error becomes an HTTP status and the
//! contract's JSON error shape. Chapter 3 (Lambda) and chapter 4 (hyper) never map errors
//! themselves: they only carry the response this module builds.

use http::StatusCode;

// ANCHOR: error
/// Everything that can go wrong in the blog, from bad input to an unreachable table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlogError {
    #[error("request body is not valid JSON: {0}")]
    InvalidJson(String),
    #[error("{0}")]
    Validation(String),
    #[error("Content-Type must be application/json")]
    UnsupportedMediaType,
    /// The whole body is over its limit in bytes (the fields' limits are in characters, and
    /// have their own `validation_failed` errors).
    #[error(
        "the request body is over the {limit}-byte limit (counted in bytes of UTF-8; a field's own limit is in characters)"
    )]
    PayloadTooLarge { limit: usize },
    /// The client stopped sending its body (the container's read timeout; API Gateway buffers
    /// whole requests, so the functions never see this).
    #[error("the request body did not arrive within {seconds} s")]
    RequestTimeout { seconds: u64 },
    #[error("{0}")]
    NotFound(String),
    #[error("a post with id {0} already exists")]
    Conflict(String),
    #[error("method {method} is not allowed here; use {allow}")]
    MethodNotAllowed { method: String, allow: &'static str },
    #[error("{0}")]
    BadRequest(String),
    /// The store could not be reached in time (throttled, timed out, connection refused). The
    /// detail is for the log; the client is told to retry.
    #[error("the post store is unavailable; try again shortly")]
    StoreUnavailable { detail: String },
    /// A bug or an impossible state. The detail is for the log, never for the client.
    #[error("the server failed to handle this request")]
    Internal { detail: String },
}
// ANCHOR_END: error

// ANCHOR: mapping
impl BlogError {
    /// The HTTP status for this error: the only `match` from errors to statuses in the project.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::InvalidJson(_) | Self::Validation(_) | Self::BadRequest(_) => {
                StatusCode::BAD_REQUEST
            }
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RequestTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::StoreUnavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Every `code` an error body can carry, as the contract lists them.
    pub const CODES: [&str; 11] = [
        "invalid_json",
        "validation_failed",
        "unsupported_media_type",
        "payload_too_large",
        "not_found",
        "conflict",
        "method_not_allowed",
        "bad_request",
        "request_timeout",
        "store_unavailable",
        "internal",
    ];

    /// The machine-readable `code` of the JSON error body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidJson(_) => "invalid_json",
            Self::Validation(_) => "validation_failed",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::NotFound(_) => "not_found",
            Self::Conflict(_) => "conflict",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::BadRequest(_) => "bad_request",
            Self::RequestTimeout { .. } => "request_timeout",
            Self::StoreUnavailable { .. } => "store_unavailable",
            Self::Internal { .. } => "internal",
        }
    }
}
// ANCHOR_END: mapping

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_a_listed_code_and_every_listed_code_a_variant() {
        let every_variant = [
            BlogError::InvalidJson(String::new()),
            BlogError::Validation(String::new()),
            BlogError::UnsupportedMediaType,
            BlogError::PayloadTooLarge { limit: 1 },
            BlogError::RequestTimeout { seconds: 1 },
            BlogError::NotFound(String::new()),
            BlogError::Conflict(String::new()),
            BlogError::MethodNotAllowed {
                method: String::new(),
                allow: "",
            },
            BlogError::BadRequest(String::new()),
            BlogError::StoreUnavailable {
                detail: String::new(),
            },
            BlogError::Internal {
                detail: String::new(),
            },
        ];
        let used: std::collections::BTreeSet<_> =
            every_variant.iter().map(BlogError::code).collect();
        let listed: std::collections::BTreeSet<_> = BlogError::CODES.into_iter().collect();
        assert_eq!(used, listed);
    }
}
