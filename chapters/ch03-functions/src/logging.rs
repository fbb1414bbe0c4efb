//! Structured logs: one JSON object per line, which CloudWatch Logs can filter by field.

// ANCHOR: init
/// The functions' logs: chapter 1's JSON lines on standard output, at the level Lambda's logging
/// configuration sets (`AWS_LAMBDA_LOG_LEVEL`), else `RUST_LOG`, else `info`. Lambda sends every
/// line to the function's log group; with its JSON log format it also filters them by their
/// `level`.
pub fn init_json_logs() {
    use ch01_blog_core::logs::{json_lines, level_from_env};
    tracing::subscriber::set_global_default(json_lines(level_from_env(), std::io::stdout))
        .expect("logs are set up once, at init");
}
// ANCHOR_END: init
