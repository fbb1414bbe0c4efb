//! # Chapter 3: serverless functions
//!
//! One Lambda function per endpoint. Each binary in `src/bin/` builds the blog once, at init,
//! and hands [`function`] to `lambda_http::run`. [`translate`] is the only code that knows both
//! `lambda_http` and chapter 1's types. [`local_gateway`] plays API Gateway on your machine: it
//! turns an HTTP request into the proxy event API Gateway would send and invokes the function's
//! handler in-process, through the same `lambda_http` adapter Lambda uses (feature `local-gateway`:
//! the functions themselves carry none of it).

pub mod endpoint;
#[cfg(feature = "local-gateway")]
pub mod local_gateway;
pub mod logging;
#[cfg(feature = "local-gateway")]
pub mod runtime_api;
pub mod translate;

pub use endpoint::{
    Endpoint, function, invoke, invoke_event, invoke_http_api_raw, invoke_raw, invoke_service_raw,
    invoke_service_with, log_init,
};
#[cfg(feature = "local-gateway")]
pub use local_gateway::LocalApiGateway;

/// The REST API's stage: the first segment of every URL of the functions (`/Prod/blog`), in
/// the stack (chapter 6) and in the local API Gateway alike.
pub const STAGE: &str = "Prod";
