//! Structured logs: one JSON object per line, which CloudWatch Logs can filter by field.

use tracing_subscriber::filter::LevelFilter;

/// JSON logs at the level `AWS_LAMBDA_LOG_LEVEL` (set by Lambda's logging configuration) or
/// `RUST_LOG` names, `info` by default. Lambda adds its own timestamp to every line, so ours is
/// left out. (A plain level, not `EnvFilter`'s directives: that keeps the regex engine out of
/// the function's binary.)
pub fn init_json_logs() {
    let level = ["AWS_LAMBDA_LOG_LEVEL", "RUST_LOG"]
        .iter()
        .find_map(|name| std::env::var(name).ok())
        .and_then(|value| value.parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::INFO);
    tracing_subscriber::fmt()
        .json()
        .with_max_level(level)
        .without_time()
        .with_target(false)
        .with_current_span(false)
        .init();
}
