//! # Chapter 11: past 6 MB
//!
//! One answer too large for Lambda's 6 MB buffered response: `GET /export`, every post as JSON
//! lines. [`export`] (chapter 4's, since the container's image serves it too) produces it page by
//! page; [`function`] streams it from Lambda with `lambda_http::run_with_streaming_response`.
//! [`door`] is the front door that streams a function's answer on your machine, with Lambda's
//! Runtime API in front of the real function binary (feature `local`).

#[cfg(feature = "local")]
pub mod door;
pub use ch04_container::export;
pub mod function;
