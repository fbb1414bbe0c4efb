//! `blog-server`: the blog API as one HTTP server. `cargo run -p ch04-container -- --help`

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use ch01_blog_core::Blog;
use ch04_container::config::Config;
use ch04_container::router::App;
use ch04_container::server::{serve, shutdown_signal};
use clap::Parser;
use tracing_subscriber::EnvFilter;

// ANCHOR: main
#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    init_logs();

    let address = SocketAddr::from((config.host, config.port));
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("blog-server: cannot listen on {address}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let local = listener
        .local_addr()
        .expect("a bound listener has an address");
    let app = Arc::new(App {
        blog: Blog::new(config.store.open().await),
        body_timeout: config.body_timeout(),
    });
    // Ready for SIGTERM before saying so: whoever reads the start-up line may stop us at once.
    let shutdown = shutdown_signal();
    // The start-up lines: where it listens and with which store, in the log and on stdout.
    tracing::info!(
        address = %local,
        store = %config.store,
        body_timeout_secs = config.body_timeout_secs,
        idle_timeout_secs = config.idle_timeout_secs,
        shutdown_grace_secs = config.shutdown_grace_secs,
        "listening"
    );
    print!("{}", ch04_container::config::startup_line(local));

    serve(
        listener,
        app,
        config.idle_timeout(),
        config.shutdown_grace(),
        shutdown,
    )
    .await;
    ExitCode::SUCCESS
}
// ANCHOR_END: main

/// On AWS (ECS sets `AWS_EXECUTION_ENV`) chapter 1's JSON lines, the same as the functions'; on
/// your machine readable text (`LOG_FORMAT=json` asks for the JSON here too).
fn init_logs() {
    let json = std::env::var_os("AWS_EXECUTION_ENV").is_some()
        || std::env::var("LOG_FORMAT").is_ok_and(|format| format.eq_ignore_ascii_case("json"));
    if json {
        use ch01_blog_core::logs::{json_lines, level_from_env};
        tracing::subscriber::set_global_default(json_lines(level_from_env(), std::io::stderr))
            .expect("logs are set up once, at start-up");
    } else {
        let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
}
