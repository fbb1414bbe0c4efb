//! `blog-server`: the blog API as one HTTP server. `cargo run -p ch04-container -- --help`

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use ch01_blog_core::Blog;
use ch04_container::config::Config;
use ch04_container::router::App;
use ch04_container::server::{serve, shutdown_signal};
use ch04_container::spans::{SHIP_EVERY, ship_every, traces_from_env};
use ch12_operating::traces::{TraceSetupError, Traces};
use clap::Parser;
use tracing_subscriber::EnvFilter;

/// The name X-Ray shows for the server's spans.
const SERVICE_NAME: &str = "blog-server";

// ANCHOR: main
#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    let traces = match init_logs().await {
        Ok(traces) => traces,
        Err(err) => {
            eprintln!("blog-server: cannot set up its spans: {err}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(traces) = &traces {
        tokio::spawn(ship_every(Arc::clone(traces), SHIP_EVERY));
    }

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
    // The spans of the last requests, before the task stops.
    if let Some(traces) = traces
        && let Err(error) = traces.ship().await
    {
        tracing::warn!(%error, "the last spans were not sent to X-Ray");
    }
    ExitCode::SUCCESS
}
// ANCHOR_END: main

/// On AWS (ECS sets `AWS_EXECUTION_ENV`) chapter 1's JSON lines, the same as the functions', and
/// the blog's spans when the stack names X-Ray's endpoint; on your machine readable text
/// (`LOG_FORMAT=json` asks for the JSON here too).
async fn init_logs() -> Result<Option<Arc<Traces>>, TraceSetupError> {
    use ch01_blog_core::logs::{json_lines, level_from_env};
    use ch12_operating::traces::json_lines_and_spans;
    let json = std::env::var_os("AWS_EXECUTION_ENV").is_some()
        || std::env::var("LOG_FORMAT").is_ok_and(|format| format.eq_ignore_ascii_case("json"));
    if json {
        let traces = traces_from_env(SERVICE_NAME).await?;
        let level = level_from_env();
        match &traces {
            Some(traces) => tracing::subscriber::set_global_default(json_lines_and_spans(
                level,
                std::io::stderr,
                traces,
            )),
            None => tracing::subscriber::set_global_default(json_lines(level, std::io::stderr)),
        }
        .expect("logs are set up once, at start-up");
        Ok(traces)
    } else {
        let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
        Ok(None)
    }
}
