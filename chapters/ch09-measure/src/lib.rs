//! # Chapter 9: measuring the difference
//!
//! `cargo xtask bench` builds the function binaries, the server and two floors (the smallest
//! Lambda function, the smallest hyper server) for this machine, and [`run`] measures them:
//! function cold starts and warm invocations through a real implementation of the Lambda
//! Runtime API ([`runtime_api`], [`functions`]), the server's start, throughput, latency, CPU
//! time per request and memory under `wrk` ([`container`]), and the sizes of what chapter 6
//! deploys. [`report`] writes the figures to JSON, markdown tables and SVG charts for the book;
//! [`cost`] turns chapter 6's prices into each variant's monthly bill.

pub mod backing;
// The book's "Build it" exercise: it fails until the reader's change is made.
#[cfg(all(test, feature = "build-it"))]
mod build_it;
pub mod cold_on_aws;
pub mod container;
pub mod cost;
pub mod cpu_share;
pub mod deployed;
pub mod entropy;
pub mod functions;
pub mod keepalive;
pub mod machine;
pub mod published;
pub mod report;
pub mod report_line;
pub mod run;
pub mod server_side;
pub use ch03_functions::runtime_api;
pub mod stats;
pub mod task_start;
pub mod tls;
pub mod views;

/// The AWS SDK's configuration for the tests' moto server (chapter 2's, shared by the run):
/// fixed dummy credentials and region, nothing read from the environment, so a test can never
/// reach AWS.
#[cfg(test)]
pub(crate) async fn moto_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(ch02_dynamodb::local::LocalDynamo::shared().endpoint())
        .credentials_provider(aws_credential_types::Credentials::new(
            "local", "local", None, None, "moto",
        ))
        .load()
        .await
}
