//! The container's server through the real Lambda Web Adapter, run as Lambda runs an extension,
//! behind a local API Gateway's `ANY /{proxy+}`, on `http://127.0.0.1:<port>/Prod/`.
//!
//! `cargo run -p ch10-between --features local --bin local-web-adapter` (with the adapter built:
//! `cargo xtask demo` or `cargo xtask test` builds it once)

use std::sync::Arc;

use ch03_functions::local_gateway::{LocalArgs, serve_locally};
use ch04_container::router::App;
use ch10_between::adapter::{DEFAULT_PORT, Environment, URL_OUTPUT, backend};
use clap::Parser;

/// Runs the server in an execution environment with the Lambda Web Adapter, behind a local API
/// Gateway.
#[derive(Debug, Parser)]
struct Args {
    #[command(flatten)]
    local: LocalArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    serve_locally(
        Args::parse().local,
        (DEFAULT_PORT, URL_OUTPUT),
        async |blog| {
            let environment = Environment::start(App {
                blog,
                body_timeout: ch10_between::BODY_TIMEOUT,
            })
            .await?;
            Ok(backend(Arc::new(environment)))
        },
    )
    .await
}
