//! # Chapter 10: between the two
//!
//! One Lambda function for every route: `lambda_http` runs chapter 4's router behind API
//! Gateway's `{proxy+}` resource ([`one_function`]). Routing happens in code, as in the
//! container; billing is per request, as for the four functions; and there is one cold start
//! for all routes instead of one per route.

#[cfg(feature = "local")]
pub mod adapter;
#[cfg(feature = "local")]
pub mod local;
pub mod one_function;
pub mod web_adapter;

#[cfg(feature = "local")]
pub use local::{DEFAULT_PORT, URL_OUTPUT, backend, start_local};
pub use one_function::{
    BODY_TIMEOUT, FUNCTION_NAME, for_the_router, invoke, invoke_raw, one_function,
    path_below_stage, run,
};
