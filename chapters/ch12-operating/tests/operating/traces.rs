//! The spans of one request on both variants, as OpenTelemetry sees them: `tracing`'s spans go
//! through `tracing-opentelemetry` to the OpenTelemetry SDK, whose in-memory exporter keeps them
//! for the test to read.

use ch05_payloads::parity::Side;
use opentelemetry::trace::{SpanKind, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tracing_subscriber::layer::SubscriberExt as _;

use crate::{both_variants, case};

/// The value of a span's attribute, as text.
fn attribute(span: &SpanData, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| kv.value.to_string())
}

// ANCHOR: span_tree
/// A create on each variant is one trace: the request's span (a server span named by method and
/// route, with the request id, the route and the status) and, inside it, the store's span (a
/// client span for the create).
#[tokio::test]
async fn a_create_is_a_request_span_with_the_store_span_inside_on_both_variants() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("ch12")));
    let _traces = tracing::subscriber::set_default(subscriber);
    let [functions, container] = both_variants().await;
    let create = case("create with an id");
    for variant in [&functions, &container] {
        exporter.reset();
        let answer = Side::of(variant).send(&create).await;
        assert_eq!(answer.status, 201, "{}", variant.name);
        let spans = exporter.get_finished_spans().expect("the spans");
        let request = spans
            .iter()
            .find(|span| span.name == "POST /blog")
            .unwrap_or_else(|| panic!("{}: no request span in {spans:#?}", variant.name));
        assert_eq!(request.span_kind, SpanKind::Server, "{}", variant.name);
        assert_eq!(
            attribute(request, "request_id").as_deref(),
            Some(answer.headers["x-request-id"].as_str()),
            "{}",
            variant.name
        );
        assert_eq!(attribute(request, "http.route").as_deref(), Some("/blog"));
        assert_eq!(
            attribute(request, "http.response.status_code").as_deref(),
            Some("201")
        );
        let store: Vec<&SpanData> = spans
            .iter()
            .filter(|span| span.parent_span_id == request.span_context.span_id())
            .collect();
        assert_eq!(store.len(), 1, "{}: {spans:#?}", variant.name);
        assert_eq!(store[0].name, "store create");
        assert_eq!(store[0].span_kind, SpanKind::Client);
        assert_eq!(
            store[0].span_context.trace_id(),
            request.span_context.trace_id()
        );
        assert_eq!(
            attribute(store[0], "db.operation.name").as_deref(),
            Some("create")
        );
    }
}
// ANCHOR_END: span_tree
