//! Structured logs: one JSON object per line, which CloudWatch Logs can filter by field; and,
//! where the stack asks for them, the blog's spans sent to X-Ray after each invocation.

use std::sync::Arc;

use ch12_operating::traces::{ENDPOINT_VARIABLE, ExportTo, TraceSetupError, Traces};
use lambda_http::BoxFuture;
use lambda_http::lambda_runtime::{Error, LambdaInvocation};
use lambda_http::tower::{Layer, Service};

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

// ANCHOR: init_traces
/// The same lines and, when the stack names X-Ray's OTLP endpoint, the blog's spans for
/// `function`, signed with the function's role: what [`ShipSpans`] sends after each invocation.
pub async fn init_logs_and_traces(function: &str) -> Result<Option<Arc<Traces>>, TraceSetupError> {
    use ch01_blog_core::logs::level_from_env;
    use ch12_operating::traces::json_lines_and_spans;
    if std::env::var_os(ENDPOINT_VARIABLE).is_none() {
        init_json_logs();
        return Ok(None);
    }
    let credentials = aws_config::default_provider::credentials::default_provider().await;
    let to = ExportTo::from_env(
        aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
        function,
        ch02_dynamodb::trust::AMAZON_TRUST_SERVICES,
    )?
    .expect("the endpoint is set");
    let traces = Arc::new(Traces::new(to)?);
    let subscriber = json_lines_and_spans(level_from_env(), std::io::stdout, &traces);
    tracing::subscriber::set_global_default(subscriber).expect("logs are set up once, at init");
    Ok(Some(traces))
}
// ANCHOR_END: init_traces

// ANCHOR: ship_spans
/// Sends an invocation's spans once it has answered. The layer wraps the runtime's own service,
/// which posts the response to Lambda, so the client has its answer before the spans leave; the
/// runtime asks for the next event only after, so a frozen execution environment holds none.
#[derive(Debug, Clone)]
pub struct ShipSpans(pub Arc<Traces>);

impl<S> Layer<S> for ShipSpans {
    type Service = ShippingSpans<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ShippingSpans {
            inner,
            traces: Arc::clone(&self.0),
        }
    }
}

/// The service [`ShipSpans`] makes.
#[derive(Debug)]
pub struct ShippingSpans<S> {
    inner: S,
    traces: Arc<Traces>,
}

impl<S> Service<LambdaInvocation> for ShippingSpans<S>
where
    S: Service<LambdaInvocation, Response = (), Error = Error>,
    S::Future: Send + 'static,
{
    type Response = ();
    type Error = Error;
    type Future = BoxFuture<'static, Result<(), Error>>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, invocation: LambdaInvocation) -> Self::Future {
        let answered = self.inner.call(invocation);
        let traces = Arc::clone(&self.traces);
        Box::pin(async move {
            let result = answered.await;
            if let Err(error) = traces.ship().await {
                tracing::warn!(%error, "the invocation's spans were not sent to X-Ray");
            }
            result
        })
    }
}
// ANCHOR_END: ship_spans
