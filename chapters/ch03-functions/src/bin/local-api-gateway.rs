//! The four functions behind a local API Gateway, on `http://127.0.0.1:<port>/Prod/`.
//!
//! `cargo run -p ch03-functions --bin local-api-gateway`

use ch03_functions::local_gateway::{Backend, DEFAULT_PORT, LocalArgs, serve_locally};
use clap::Parser;

/// Runs the blog's four Lambda functions in this process behind a local API Gateway.
#[derive(Debug, Parser)]
struct Args {
    #[command(flatten)]
    local: LocalArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = (DEFAULT_PORT, "FunctionsURL");
    serve_locally(Args::parse().local, url, async |blog| {
        Ok(Backend::PerEndpoint(blog))
    })
    .await
}
