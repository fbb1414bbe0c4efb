//! The framework-free operations: a plain description of an HTTP request in, a plain response
//! out. Nothing here knows about Lambda or hyper; chapters 3 and 4 translate their own request
//! types into [`ApiRequest`] and an [`ApiResponse`] back into theirs, and that is all they do.
//!
//! One module per concern: the limits a request and a page must keep, the request and response
//! types, the headers every answer carries (CORS among them), the error body, the bounded page of
//! the feed, the [`Blog`] and what it is built from, routing by method, and the operations.

mod blog;
mod error_body;
mod headers;
mod limits;
mod message;
mod observe;
mod operations;
mod page;
mod routing;

pub use blog::Blog;
pub use error_body::ErrorBody;
pub use headers::{
    COLLECTION_METHODS, CORS_ORIGIN_ENV, EVERY_RESPONSE_HEADERS, ITEM_METHODS, PREFLIGHT_MAX_AGE,
    allowed_origin, preflight,
};
pub use limits::{DEFAULT_LIMIT, MAX_BODY_BYTES, MAX_LIMIT, MAX_PAGE_BYTES};
pub use message::{ApiRequest, ApiResponse};
pub use observe::{
    JoinFrontDoor, REQUEST_ID_HEADER, RequestInfo, TRACE_HEADER, join_spans_to_front_door,
    trace_root,
};
pub use page::{PostPage, escaped_json_len};
