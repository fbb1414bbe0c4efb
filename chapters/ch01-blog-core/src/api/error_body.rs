//! The one place an error becomes an answer: the JSON error shape, and the `Allow` of a `405`.

use http::HeaderValue;
use http::header::ALLOW;
use serde::Serialize;

use super::ApiResponse;
use crate::BlogError;

// ANCHOR: error_response
/// The body of every error: `{"code": "...", "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Error))]
pub struct ErrorBody {
    /// What went wrong, for a program to branch on.
    pub code: String,
    /// What went wrong, for a person to act on.
    pub message: String,
}

impl From<BlogError> for ApiResponse {
    fn from(err: BlogError) -> Self {
        let mut response = Self::json(
            err.status(),
            &ErrorBody {
                code: err.code().to_owned(),
                message: err.to_string(),
            },
        );
        match err {
            BlogError::MethodNotAllowed { allow, .. } => {
                response.with_header(ALLOW, HeaderValue::from_static(allow))
            }
            // Details of server-side failures go to the request's log line, never to the client.
            BlogError::StoreUnavailable { detail } | BlogError::Internal { detail } => {
                response.detail = Some(detail);
                response
            }
            _ => response,
        }
    }
}
// ANCHOR_END: error_response

/// An operation's answer: its response, or its error's.
pub(super) fn respond(result: Result<ApiResponse, BlogError>) -> ApiResponse {
    result.unwrap_or_else(ApiResponse::from)
}
