//! The request's and the store's spans (chapter 1's `Blog::observe` makes them), sent to AWS
//! X-Ray: OpenTelemetry's SDK keeps the spans `tracing` makes, and [`Traces::ship`] sends what it
//! kept to X-Ray's OTLP endpoint in one request signed with the process's AWS credentials. No
//! collector, no agent and no Lambda layer: the binary signs its own requests, as the AWS SDK
//! does for DynamoDB.
//!
//! When to ship is the caller's choice, and the two variants choose differently: a function ships
//! after each invocation has answered, before it asks Lambda for the next event (a frozen
//! execution environment sends nothing); the server ships every few seconds in the background.

use std::cell::Cell;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use aws_credential_types::provider::{ProvideCredentials as _, SharedCredentialsProvider};
use bytes::Bytes;
use http::{Request, Response, Uri};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState, TracerProvider as _,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_http::{HttpClient, HttpError};
use opentelemetry_otlp::{Protocol, WithExportConfig as _, WithHttpConfig as _};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{
    IdGenerator, RandomIdGenerator, Sampler, SdkTracerProvider, Span, SpanData, SpanExporter as _,
    SpanProcessor,
};
use tracing::Subscriber;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;
use tracing_subscriber::Layer;
use tracing_subscriber::registry::LookupSpan;

// ANCHOR: settings
/// Where to send spans: X-Ray's OTLP endpoint, `https://xray.<region>.amazonaws.com/v1/traces`.
/// Unset (on your machine, in the tests) means no spans leave the process.
pub const ENDPOINT_VARIABLE: &str = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
/// The share of requests that start a trace of their own (the container's, which the load
/// balancer does not sample): OpenTelemetry's variable for its ratio sampler.
pub const RATIO_VARIABLE: &str = "OTEL_TRACES_SAMPLER_ARG";
/// The name a signature is made for: X-Ray's.
pub const SIGNING_NAME: &str = "xray";
/// Without a ratio, one request in twenty: the rate X-Ray's default sampling rule adds to its
/// first request each second.
pub const DEFAULT_RATIO: f64 = 0.05;
/// How long one attempt to send may take. A function waits for it before its next event.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(2);
/// Spans kept between two shipments at most; more are dropped (and counted) rather than grow
/// the process without bound while X-Ray cannot be reached.
pub const MAX_KEPT: usize = 2048;
// ANCHOR_END: settings

/// The target of the blog's own spans (chapter 1's `request` and `store`).
const BLOG_TARGET: &str = "ch01_blog_core::";

/// What [`Traces`] needs to send spans: the endpoint, the region and the credentials to sign
/// with, the name X-Ray shows for the service, and the ratio for requests that start a trace.
#[derive(Debug, Clone)]
pub struct ExportTo {
    pub endpoint: Uri,
    pub region: String,
    pub credentials: SharedCredentialsProvider,
    pub service: String,
    pub ratio: f64,
    /// The roots X-Ray's endpoint is trusted by, as PEM.
    pub trust_pem: &'static str,
}

impl ExportTo {
    /// From the environment the stack sets: `None` when [`ENDPOINT_VARIABLE`] is unset.
    pub fn from_env(
        credentials: SharedCredentialsProvider,
        service: impl Into<String>,
        trust_pem: &'static str,
    ) -> Result<Option<Self>, TraceSetupError> {
        let Ok(endpoint) = std::env::var(ENDPOINT_VARIABLE) else {
            return Ok(None);
        };
        let endpoint = endpoint
            .parse::<Uri>()
            .map_err(|_| TraceSetupError::Endpoint(endpoint.clone()))?;
        let region = std::env::var("AWS_REGION").map_err(|_| TraceSetupError::Region)?;
        let ratio = match std::env::var(RATIO_VARIABLE) {
            Ok(text) => text
                .parse::<f64>()
                .ok()
                .filter(|ratio| (0.0..=1.0).contains(ratio))
                .ok_or(TraceSetupError::Ratio(text))?,
            Err(_) => DEFAULT_RATIO,
        };
        Ok(Some(Self {
            endpoint,
            region,
            credentials,
            service: service.into(),
            ratio,
            trust_pem,
        }))
    }
}

/// Why spans cannot be set up: the process stops at start-up rather than run without them.
#[derive(Debug, thiserror::Error)]
pub enum TraceSetupError {
    #[error("{ENDPOINT_VARIABLE} is not a URL: {0:?}")]
    Endpoint(String),
    #[error("{ENDPOINT_VARIABLE} is set but AWS_REGION is not: the signature needs the region")]
    Region,
    #[error("{RATIO_VARIABLE} must be a number from 0 to 1, not {0:?}")]
    Ratio(String),
    #[error("the roots to trust for X-Ray's endpoint: {0}")]
    Roots(String),
    #[error("the OTLP exporter: {0}")]
    Exporter(String),
}

// ANCHOR: traces
/// The process's spans: the SDK's provider, the spans it has finished and not yet sent, and the
/// OTLP exporter that sends them.
#[derive(Debug)]
pub struct Traces {
    provider: SdkTracerProvider,
    kept: Kept,
    exporter: opentelemetry_otlp::SpanExporter,
}

impl Traces {
    /// Spans for `to.service`, sampled by the request's parent when it has one (Lambda's trace
    /// header says whether X-Ray sampled the invocation), else by `to.ratio`.
    pub fn new(to: ExportTo) -> Result<Self, TraceSetupError> {
        let resource = Resource::builder()
            .with_service_name(to.service.clone())
            .with_attribute(KeyValue::new("cloud.provider", "aws"))
            .build();
        let kept = Kept::default();
        let provider = SdkTracerProvider::builder()
            .with_span_processor(kept.clone())
            .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
                to.ratio,
            ))))
            .with_id_generator(FrontDoorIds::default())
            .with_resource(resource.clone())
            .build();
        let mut exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_http_client(SignedClient::new(to.credentials, to.region, to.trust_pem)?)
            .with_endpoint(to.endpoint.to_string())
            .with_protocol(Protocol::HttpBinary)
            .with_timeout(SEND_TIMEOUT)
            .build()
            .map_err(|error| TraceSetupError::Exporter(error.to_string()))?;
        opentelemetry_sdk::trace::SpanExporter::set_resource(&mut exporter, &resource);
        ch01_blog_core::join_spans_to_front_door(join_front_door);
        Ok(Self {
            provider,
            kept,
            exporter,
        })
    }

    /// The layer that turns the blog's `request` and `store` spans into OpenTelemetry spans, and
    /// nothing else: the AWS SDK's and hyper's own spans and events stay out of the trace.
    pub fn layer<S>(&self) -> impl Layer<S> + Send + Sync + 'static
    where
        S: Subscriber + for<'span> LookupSpan<'span> + Send + Sync,
    {
        // Only what a trace reads: no busy and idle times, no thread, no source location, so a
        // span's size does not vary from one request to the next.
        tracing_opentelemetry::layer()
            .with_tracer(self.provider.tracer("blog"))
            .with_tracked_inactivity(false)
            .with_threads(false)
            .with_location(false)
            .with_filter(tracing_subscriber::filter::filter_fn(|metadata| {
                metadata.is_span() && metadata.target().starts_with(BLOG_TARGET)
            }))
    }

    /// Sends every span finished since the last call in one signed request, and says how many.
    /// Spans that could not be sent are dropped: a trace is worth less than the next request.
    pub async fn ship(&self) -> Result<usize, OTelSdkError> {
        let spans = self.kept.take();
        let count = spans.len();
        if count == 0 {
            return Ok(0);
        }
        self.exporter.export(spans).await.map(|()| count)
    }

    /// Spans dropped because more than [`MAX_KEPT`] waited to be sent.
    pub fn dropped(&self) -> usize {
        self.kept.dropped()
    }
}
// ANCHOR_END: traces

// ANCHOR: with_traces
/// Chapter 1's JSON lines, and the blog's spans for `traces` to send to X-Ray.
pub fn json_lines_and_spans<W>(
    level: tracing_subscriber::filter::LevelFilter,
    writer: W,
    traces: &Traces,
) -> impl Subscriber + Send + Sync
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    use tracing_subscriber::layer::SubscriberExt as _;
    tracing_subscriber::registry()
        .with(ch01_blog_core::logs::lines(level, writer))
        .with(traces.layer())
}
// ANCHOR_END: with_traces

// ANCHOR: front_door
thread_local! {
    /// The trace id the next root span takes: the front door's, set by [`join_front_door`]
    /// while it starts the request's span on this thread.
    static FRONT_DOOR_TRACE: Cell<Option<TraceId>> = const { Cell::new(None) };
}

/// Puts the request's span in the trace its front door started ([`Traces::new`] has chapter 1's
/// `Blog::observe` call it on each request's span). `header` is an
/// `X-Amzn-Trace-Id` value: Lambda's (`Root`, `Parent`: the function's segment, `Sampled`) makes
/// the span a child of the function's segment, sampled as X-Ray sampled the invocation; the load
/// balancer's (`Root` alone) makes it the root of a trace with the load balancer's trace id, so
/// the `trace_id` of the request's log line finds it.
pub fn join_front_door(span: &tracing::Span, header: Option<&str>) {
    let Some(front_door) = header.and_then(XrayHeader::parse) else {
        return;
    };
    match front_door.parent {
        Some(parent) => {
            let flags = if front_door.sampled == Some(true) {
                TraceFlags::SAMPLED
            } else {
                TraceFlags::default()
            };
            let remote =
                SpanContext::new(front_door.root, parent, flags, true, TraceState::default());
            let _ = span.set_parent(Context::new().with_remote_span_context(remote));
        }
        None => {
            FRONT_DOOR_TRACE.with(|next| next.set(Some(front_door.root)));
            // Starting the span now makes the SDK ask for its trace id on this thread.
            let _ = span.context();
            FRONT_DOOR_TRACE.with(|next| next.set(None));
        }
    }
}

/// The SDK's random ids, except a root span's trace id while [`join_front_door`] sets one.
#[derive(Debug, Default)]
struct FrontDoorIds(RandomIdGenerator);

impl IdGenerator for FrontDoorIds {
    fn new_trace_id(&self) -> TraceId {
        FRONT_DOOR_TRACE
            .with(Cell::take)
            .unwrap_or_else(|| self.0.new_trace_id())
    }

    fn new_span_id(&self) -> SpanId {
        self.0.new_span_id()
    }
}

/// The parts of an `X-Amzn-Trace-Id` value a span needs. `Root=1-5759e988-bd862e3fe1be46a994272793`
/// is version 1, eight hex digits of time and 24 of randomness: together the 32 hex digits of an
/// OpenTelemetry trace id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XrayHeader {
    pub root: TraceId,
    pub parent: Option<SpanId>,
    pub sampled: Option<bool>,
}

impl XrayHeader {
    /// `None` without a `Root` of the documented shape; a malformed `Parent` is left out.
    pub fn parse(header: &str) -> Option<Self> {
        let mut root = None;
        let mut parent = None;
        let mut sampled = None;
        for part in header.split(';').map(str::trim) {
            match part.split_once('=') {
                Some(("Root", value)) => root = trace_id(value),
                Some(("Parent", value)) if value.len() == 16 => {
                    parent = SpanId::from_hex(value)
                        .ok()
                        .filter(|id| *id != SpanId::INVALID);
                }
                Some(("Sampled", "1")) => sampled = Some(true),
                Some(("Sampled", "0")) => sampled = Some(false),
                _ => {}
            }
        }
        Some(Self {
            root: root?,
            parent,
            sampled,
        })
    }
}

fn trace_id(root: &str) -> Option<TraceId> {
    let mut parts = root.split('-');
    let (Some("1"), Some(time), Some(random), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    if time.len() != 8 || random.len() != 24 {
        return None;
    }
    TraceId::from_hex(&format!("{time}{random}"))
        .ok()
        .filter(|id| *id != TraceId::INVALID)
}
// ANCHOR_END: front_door

/// The finished spans waiting for [`Traces::ship`]: a span processor that only keeps them.
#[derive(Debug, Clone, Default)]
struct Kept(Arc<Mutex<KeptSpans>>);

#[derive(Debug, Default)]
struct KeptSpans {
    spans: Vec<SpanData>,
    dropped: usize,
}

impl Kept {
    fn lock(&self) -> std::sync::MutexGuard<'_, KeptSpans> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn take(&self) -> Vec<SpanData> {
        std::mem::take(&mut self.lock().spans)
    }

    fn dropped(&self) -> usize {
        self.lock().dropped
    }
}

impl SpanProcessor for Kept {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}

    fn on_end(&self, span: SpanData) {
        let mut kept = self.lock();
        if kept.spans.len() < MAX_KEPT {
            kept.spans.push(span);
        } else {
            kept.dropped += 1;
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }
}

// ANCHOR: signed_client
/// An HTTPS client that signs every request with Signature Version 4 for X-Ray, with the
/// credentials the process already has (a function's or a task's role).
#[derive(Clone)]
pub struct SignedClient {
    http: Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>,
    credentials: SharedCredentialsProvider,
    region: String,
}

impl SignedClient {
    /// A client trusting the roots in `trust_pem` (X-Ray's endpoints, like DynamoDB's, present
    /// certificates from Amazon Trust Services; a container built `FROM scratch` has no system
    /// bundle to read).
    pub fn new(
        credentials: SharedCredentialsProvider,
        region: String,
        trust_pem: &str,
    ) -> Result<Self, TraceSetupError> {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject as _;
        let mut roots = rustls::RootCertStore::empty();
        for certificate in CertificateDer::pem_slice_iter(trust_pem.as_bytes()) {
            let certificate =
                certificate.map_err(|error| TraceSetupError::Roots(error.to_string()))?;
            roots
                .add(certificate)
                .map_err(|error| TraceSetupError::Roots(error.to_string()))?;
        }
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|error| TraceSetupError::Roots(error.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Self {
            http: Client::builder(TokioExecutor::new()).build(https),
            credentials,
            region,
        })
    }

    /// Adds `x-amz-date`, `authorization` and, with temporary credentials, the session token.
    pub async fn sign(&self, request: &mut Request<Bytes>) -> Result<(), HttpError> {
        use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
        let identity = self.credentials.provide_credentials().await?.into();
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(SIGNING_NAME)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()?
            .into();
        let uri = request.uri().to_string();
        let headers: Vec<(&str, &str)> = request
            .headers()
            .iter()
            .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
            .collect();
        let signable = SignableRequest::new(
            request.method().as_str(),
            &uri,
            headers.into_iter(),
            SignableBody::Bytes(request.body()),
        )?;
        let (instructions, _signature) = sign(signable, &params)?.into_parts();
        instructions.apply_to_request_http1x(request);
        Ok(())
    }
}
// ANCHOR_END: signed_client

impl fmt::Debug for SignedClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedClient")
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl SignedClient {
    /// Signs `request` and sends it, within [`SEND_TIMEOUT`]: the whole answer, whatever its
    /// status.
    pub async fn send(&self, mut request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        self.sign(&mut request).await?;
        let sent = self.http.request(request.map(Full::new));
        let response = tokio::time::timeout(SEND_TIMEOUT, sent).await??;
        let (parts, body) = response.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok(Response::from_parts(parts, body))
    }
}

#[async_trait]
impl HttpClient for SignedClient {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        self.send(request).await
    }
}
