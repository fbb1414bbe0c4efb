//! The one function behind a local API Gateway's `ANY /{proxy+}`, on
//! `http://127.0.0.1:<port>/Prod/`.
//!
//! `cargo run -p ch10-between --features local --bin local-all-routes`

use ch03_functions::local_gateway::{LocalArgs, serve_locally};
use ch04_container::router::App;
use clap::Parser;

/// Runs the one function for every route in this process behind a local API Gateway.
#[derive(Debug, Parser)]
struct Args {
    #[command(flatten)]
    local: LocalArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = (ch10_between::DEFAULT_PORT, ch10_between::URL_OUTPUT);
    serve_locally(Args::parse().local, url, async |blog| {
        Ok(ch10_between::backend(App {
            blog,
            body_timeout: ch10_between::BODY_TIMEOUT,
        }))
    })
    .await
}
