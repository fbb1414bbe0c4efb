//! The one log format both backends write on AWS: one JSON object per line, its fields at the top
//! level, so that CloudWatch Logs Insights finds `status` or `request_id` without a `parse`.

use tracing::Subscriber;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::registry::LookupSpan;

// ANCHOR: json_lines
/// The level to log at: `AWS_LAMBDA_LOG_LEVEL` (what Lambda's logging configuration sets), else
/// `RUST_LOG`, else `info`. A plain level, not `EnvFilter`'s directives: that keeps the regex
/// engine out of the binary.
pub fn level_from_env() -> LevelFilter {
    ["AWS_LAMBDA_LOG_LEVEL", "RUST_LOG"]
        .iter()
        .find_map(|name| std::env::var(name).ok())
        .and_then(|value| value.parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::INFO)
}

/// JSON lines at `level`, written to `writer`: `timestamp` (RFC 3339, UTC), `level`, `message`
/// and the event's own fields, side by side. No spans and no module path: a line says what
/// happened, and the request id says to which request.
pub fn json_lines<W>(level: LevelFilter, writer: W) -> impl Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::registry().with(lines(level, writer))
}

/// The lines of [`json_lines`], as one layer with its own level: the spans a trace collects are
/// DEBUG spans, which the lines never show (chapter 12 adds a layer for them beside this one).
pub fn lines<S, W>(level: LevelFilter, writer: W) -> impl Layer<S> + Send + Sync
where
    S: Subscriber + for<'span> LookupSpan<'span>,
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt::layer()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .with_writer(writer)
        .with_filter(level)
}
// ANCHOR_END: json_lines

/// Log lines kept in memory, for a test to read back: a writer for [`json_lines`] (tests only).
#[cfg(feature = "test-support")]
#[derive(Debug, Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

#[cfg(feature = "test-support")]
impl Captured {
    /// Every line written so far, as text.
    pub fn lines(&self) -> Vec<String> {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        String::from_utf8_lossy(&bytes)
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

#[cfg(feature = "test-support")]
impl std::io::Write for &Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut kept = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        kept.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(feature = "test-support")]
impl<'w> MakeWriter<'w> for Captured {
    type Writer = &'w Captured;

    fn make_writer(&'w self) -> Self::Writer {
        self
    }
}
