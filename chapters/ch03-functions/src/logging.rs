//! Structured logs: one JSON object per line, which CloudWatch Logs can filter by field.

use tracing_subscriber::EnvFilter;

/// JSON logs at `info` (or as `RUST_LOG` says). Lambda adds its own timestamp to every line, so
/// ours is left out.
pub fn init_json_logs() {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .without_time()
        .with_target(false)
        .with_current_span(false)
        .init();
}
