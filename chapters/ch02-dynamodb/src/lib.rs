//! # Chapter 2: posts in DynamoDB
//!
//! [`DynamoStore`] implements chapter 1's `PostStore` on one DynamoDB table ([`table`] describes
//! its keys and its feed index). [`client`] builds the SDK client with explicit timeouts and
//! retries; `errors.rs` sorts its failures into the contract's errors; `local::LocalDynamo`
//! (feature `test-support`) runs a real DynamoDB-compatible server (moto) for the tests and the
//! tour.
//!
//! Run the tour: `cargo run -p ch02-dynamodb --example dynamodb_tour`.

mod choice;
pub mod client;
mod connect;
mod errors;
#[cfg(feature = "test-support")]
pub mod fault;
mod grants;
#[cfg(feature = "test-support")]
pub mod local;
mod store;
pub mod table;
pub mod trust;

pub use choice::{Connection, StoreChoice};
pub use client::{DEFAULT_TABLE_NAME, TABLE_NAME_ENV};
pub use connect::{CONNECT_AT_INIT_BOUND, CONNECT_AT_INIT_ENV, connect_at_init_from_env};
pub use grants::{Grant, GrantTarget, grant_for};
pub use store::DynamoStore;
pub use table::create_table;
