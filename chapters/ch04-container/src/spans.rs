//! The blog's spans, sent to X-Ray from the server: every few seconds in the background, and
//! once more when the server stops.

use std::sync::Arc;
use std::time::Duration;

use ch12_operating::traces::{ENDPOINT_VARIABLE, ExportTo, TraceSetupError, Traces};

// ANCHOR: ship_every
/// How often the server sends the spans it has kept: the interval of OpenTelemetry's own batch
/// processor by default. A task lives for days; one signed request every five seconds at most
/// costs it nothing a request would notice.
pub const SHIP_EVERY: Duration = Duration::from_secs(5);

/// The spans for `service`, signed with the task's role, when the stack names X-Ray's OTLP
/// endpoint; `None` without it (on your machine).
pub async fn traces_from_env(service: &str) -> Result<Option<Arc<Traces>>, TraceSetupError> {
    if std::env::var_os(ENDPOINT_VARIABLE).is_none() {
        return Ok(None);
    }
    let credentials = aws_config::default_provider::credentials::default_provider().await;
    let Some(to) = ExportTo::from_env(
        aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
        service,
        ch02_dynamodb::trust::AMAZON_TRUST_SERVICES,
    )?
    else {
        return Ok(None);
    };
    Ok(Some(Arc::new(Traces::new(to)?)))
}

/// Sends what `traces` kept every `every`, for as long as the server runs. A failed send is one
/// warning line; its spans are dropped, and the next send starts afresh.
pub async fn ship_every(traces: Arc<Traces>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(error) = traces.ship().await {
            tracing::warn!(%error, "spans were not sent to X-Ray");
        }
    }
}
// ANCHOR_END: ship_every
