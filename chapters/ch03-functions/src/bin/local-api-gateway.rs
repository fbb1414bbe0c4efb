//! The four functions behind a local API Gateway, on `http://127.0.0.1:<port>/Prod/`.
//!
//! `cargo run -p ch03-functions --bin local-api-gateway`

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use ch01_blog_core::Blog;
use ch02_dynamodb::StoreChoice;
use ch03_functions::LocalApiGateway;
use ch03_functions::local_gateway::{
    DEFAULT_PORT, LAMBDA_DEFAULT_TIMEOUT_SECS, Limits, startup_lines,
};
use clap::Parser;

/// Runs the blog's four Lambda functions in this process behind a local API Gateway.
#[derive(Debug, Parser)]
struct Args {
    /// Port on 127.0.0.1.
    #[arg(long, env = "PORT", default_value_t = DEFAULT_PORT)]
    port: u16,
    /// Store: memory, or dynamodb (configured by TABLE_NAME, AWS_REGION and
    /// AWS_ENDPOINT_URL_DYNAMODB).
    #[arg(long, env = StoreChoice::ENV, default_value = "memory")]
    store: StoreChoice,
    /// Each function's timeout in seconds: Lambda's default unless you give the one your
    /// deployment sets (the stack in chapter 6 sets 20).
    #[arg(long, value_name = "SECONDS", default_value_t = LAMBDA_DEFAULT_TIMEOUT_SECS)]
    function_timeout: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    ch03_functions::logging::init_json_logs();
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}"))?;
    let limits = Limits::for_function_timeout(Duration::from_secs(args.function_timeout));
    let gateway =
        Arc::new(LocalApiGateway::new(Blog::new(args.store.open().await)).with_limits(limits));
    print!("{}", startup_lines(args.store, listener.local_addr()?));
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    gateway.serve(listener, shutdown).await?;
    Ok(())
}
