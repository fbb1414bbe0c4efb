//! # Chapter 1: the blog's core
//!
//! The domain both backends share: a [`Post`], its validation, the [`PostStore`] trait with an
//! in-memory [`MemoryStore`], the API's two resources ([`BlogPath`]), and the framework-free
//! operations on [`Blog`] that take an [`ApiRequest`] and return an [`ApiResponse`].
//! [`BlogError`] is the one error type, and `error.rs` the one place it becomes an HTTP status and
//! the JSON error shape.
//!
//! Run the tour: `cargo run -p ch01-blog-core --example tour`.

mod api;
mod clock;
mod error;
mod path;
mod post;
mod store;

#[cfg(feature = "test-support")]
pub mod contract;
#[cfg(feature = "logs")]
pub mod logs;
#[cfg(feature = "openapi")]
pub mod openapi;
#[cfg(feature = "test-support")]
pub mod test_support;

pub use api::{
    ApiRequest, ApiResponse, Blog, COLLECTION_METHODS, CORS_ORIGIN_ENV, DEFAULT_LIMIT,
    EVERY_RESPONSE_HEADERS, ErrorBody, ITEM_METHODS, JoinFrontDoor, MAX_BODY_BYTES, MAX_LIMIT,
    MAX_PAGE_BYTES, PREFLIGHT_MAX_AGE, PostPage, REQUEST_ID_HEADER, RequestInfo, TRACE_HEADER,
    allowed_origin, escaped_json_len, join_spans_to_front_door, preflight, trace_root,
};
pub use clock::{Clock, IdGenerator, SequentialIds, SteppingClock, SystemClock, UuidIds};
pub use error::BlogError;
pub use path::BlogPath;
pub use post::{
    AUTHOR_MAX_CHARS, CONTENTS_MAX_CHARS, ID_MAX_CHARS, NewPost, Post, TITLE_MAX_CHARS,
    format_timestamp, is_valid_id, rfc3339_millis,
};
pub use store::{Cursor, MemoryStore, Page, PostStore, StoreOperation, not_found};

/// Re-exported so that API users name the same `http` types this crate uses.
pub use http;
