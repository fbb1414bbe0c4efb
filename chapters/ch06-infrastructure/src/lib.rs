//! # Chapter 6: the infrastructure
//!
//! The CDK stack (`infra-cdk/`, TypeScript) must not restate by hand what the Rust code already
//! says: routes, function names, the table's keys, environment variables, ports, timeouts, the
//! headers every answer carries, and the DynamoDB actions each piece calls. [`description`]
//! writes all of it into one file, `openapi.json`: the contract as OpenAPI (chapter 1) plus an
//! `x-blog-deployment` extension that the stack reads. [`settings`] holds the deployment's own
//! numbers (memory, CPU, timeouts), each checked against the code it must agree with.
//!
//! `cargo run -p ch06-infrastructure --bin describe > openapi.json` regenerates the file; a test
//! fails when the committed file differs.

pub mod description;
pub mod image;
pub mod page;
pub mod prices;
pub mod settings;
pub mod template;
