//! The spans both variants send to X-Ray, received by an OTLP endpoint on this machine that
//! checks each request's signature as X-Ray would and decodes the spans it carries.

use std::net::SocketAddr;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use bytes::Bytes;
use ch01_blog_core::test_support::raw_http::send;
use ch05_payloads::Variant;
use ch12_operating::traces::{ExportTo, SIGNING_NAME, Traces};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::{HeaderMap, Request, Response};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::Span;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use prost::Message as _;
use tokio::sync::mpsc;
use tracing_subscriber::layer::SubscriberExt as _;

use crate::{both_variants, case};

const REGION: &str = "eu-west-1";
const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// One request the endpoint received.
struct Received {
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

/// An OTLP endpoint on a free local port: it answers every request 200, as X-Ray's does when it
/// takes every span, and hands each request to the test.
async fn otlp_endpoint() -> (SocketAddr, mpsc::UnboundedReceiver<Received>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (sender, received) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let sender = sender.clone();
            let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                let sender = sender.clone();
                async move {
                    let (parts, body) = request.into_parts();
                    let body = body.collect().await?.to_bytes();
                    let _ = sender.send(Received {
                        path: parts.uri.path().to_owned(),
                        headers: parts.headers,
                        body,
                    });
                    Ok::<_, hyper::Error>(Response::new(Full::new(Bytes::new())))
                }
            });
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service),
            );
        }
    });
    (address, received)
}

/// Spans for `blog-test`, every request sampled, sent to `endpoint` signed with example keys.
fn traces_to(endpoint: SocketAddr) -> Traces {
    Traces::new(ExportTo {
        endpoint: format!("http://{endpoint}/v1/traces").parse().unwrap(),
        region: REGION.to_owned(),
        credentials: SharedCredentialsProvider::new(Credentials::new(
            ACCESS_KEY, SECRET_KEY, None, None, "example",
        )),
        service: "blog-test".to_owned(),
        ratio: 1.0,
        trust_pem: ch02_dynamodb::trust::AMAZON_TRUST_SERVICES,
    })
    .expect("the exporter")
}

/// The endpoint, what it receives, and spans sent there from this thread while the guard lives.
async fn exporting() -> (
    SocketAddr,
    mpsc::UnboundedReceiver<Received>,
    Traces,
    tracing::subscriber::DefaultGuard,
) {
    let (endpoint, received) = otlp_endpoint().await;
    let traces = traces_to(endpoint);
    let guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(traces.layer()));
    (endpoint, received, traces, guard)
}

// ANCHOR: signature
/// Whether `received` carries a valid Signature Version 4 for X-Ray in the region, made with the
/// example keys over its method, path, signed headers and body: computed again from what
/// arrived, at the time its `x-amz-date` says.
fn signed_for_xray(received: &Received, endpoint: SocketAddr) -> bool {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    let header = |name: &str| received.headers.get(name).and_then(|v| v.to_str().ok());
    let Some(authorization) = header("authorization") else {
        return false;
    };
    let scope = format!("/{REGION}/{SIGNING_NAME}/aws4_request");
    let Some(date) = header("x-amz-date") else {
        return false;
    };
    let Ok(time) = chrono::NaiveDateTime::parse_from_str(date, "%Y%m%dT%H%M%SZ") else {
        return false;
    };
    let identity = Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "example").into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(REGION)
        .name(SIGNING_NAME)
        .time(SystemTime::from(time.and_utc()))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    // The headers the client signed, but for those the signer adds itself.
    let signed: Vec<(&str, &str)> = received
        .headers
        .iter()
        .filter(|(name, _)| !name.as_str().starts_with("x-amz-"))
        .filter(|(name, _)| !matches!(name.as_str(), "authorization" | "host"))
        .filter(|(name, _)| authorization.contains(name.as_str()))
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect();
    let uri = format!("http://{endpoint}{}", received.path);
    let signable = SignableRequest::new(
        "POST",
        &uri,
        signed.into_iter(),
        SignableBody::Bytes(&received.body),
    )
    .unwrap();
    let (_, signature) = sign(signable, &params).unwrap().into_parts();
    authorization.starts_with(&format!("AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/"))
        && authorization.contains(&scope)
        && authorization.ends_with(&format!("Signature={signature}"))
}
// ANCHOR_END: signature

/// The spans of one request to the endpoint, with the service name X-Ray will show for them.
fn spans_of(received: &Received) -> (String, Vec<Span>) {
    let request = ExportTraceServiceRequest::decode(received.body.clone()).expect("OTLP protobuf");
    let mut service = String::new();
    let mut spans = Vec::new();
    for resource_spans in request.resource_spans {
        for attribute in resource_spans
            .resource
            .into_iter()
            .flat_map(|r| r.attributes)
        {
            if attribute.key == "service.name"
                && let Some(Value::StringValue(name)) = attribute.value.and_then(|v| v.value)
            {
                service = name;
            }
        }
        for scope in resource_spans.scope_spans {
            spans.extend(scope.spans);
        }
    }
    (service, spans)
}

/// A create on `variant`, as a front door that sends `trace_header` would pass it on.
async fn create_through(variant: &Variant, trace_header: &str) -> u16 {
    let create = case("create with an id");
    let target = format!("{}{}", variant.prefix, create.target);
    let headers = [
        (
            "content-type",
            create.content_type.unwrap_or("application/json"),
        ),
        ("x-amzn-trace-id", trace_header),
    ];
    send(
        variant.address,
        create.method,
        &target,
        &headers,
        &create.body,
    )
    .await
    .unwrap()
    .status
}

const ROOT: &str = "1-5759e988-bd862e3fe1be46a994272793";
const ROOT_HEX: &str = "5759e988bd862e3fe1be46a994272793";

// ANCHOR: exported
/// Behind a load balancer, whose header has a `Root` alone: each variant sends its create's two
/// spans in one request signed for X-Ray, as OTLP protobuf. The request span is the root of a
/// trace whose id is the `Root`'s (the id the request's log line shows), the store span its child.
#[tokio::test]
async fn both_variants_send_a_creates_spans_to_xray_signed_in_the_front_doors_trace() {
    let (endpoint, mut received, traces, _spans) = exporting().await;
    let [functions, container] = both_variants().await;
    let mut bytes = [0; 2];
    for (variant, bytes) in [&functions, &container].into_iter().zip(&mut bytes) {
        let status = create_through(variant, &format!("Root={ROOT}")).await;
        assert_eq!(status, 201, "{}", variant.name);
        assert_eq!(traces.ship().await.expect("sent"), 2, "{}", variant.name);
        let request = received.recv().await.expect("one request");
        assert_eq!(request.path, "/v1/traces");
        assert_eq!(request.headers["content-type"], "application/x-protobuf");
        assert!(
            signed_for_xray(&request, endpoint),
            "{}: {:?}",
            variant.name,
            request.headers
        );
        *bytes = request.body.len();
        let (service, spans) = spans_of(&request);
        assert_eq!(service, "blog-test");
        let [store, server] = &spans[..] else {
            panic!(
                "{}: two spans, the store's ending first: {spans:#?}",
                variant.name
            );
        };
        assert_eq!(server.name, "POST /blog");
        assert_eq!(server.kind, SpanKind::Server as i32);
        assert!(server.parent_span_id.is_empty(), "{}: a root", variant.name);
        assert_eq!(hex(&server.trace_id), ROOT_HEX, "{}", variant.name);
        assert_eq!(store.name, "store create");
        assert_eq!(store.kind, SpanKind::Client as i32);
        assert_eq!(store.parent_span_id, server.span_id);
        assert_eq!(store.trace_id, server.trace_id);
    }
    // Nothing is sent twice.
    assert_eq!(traces.ship().await.expect("nothing to send"), 0);
    insta::assert_snapshot!(
        "span_volume",
        ch12_operating::tracing_setup::span_volume_table(&[0.1, 1.0, 10.0, 100.0], bytes)
    );
}
// ANCHOR_END: exported

// ANCHOR: lambda_parent
/// Behind API Gateway, Lambda's header names the function's segment as `Parent` and says
/// whether X-Ray sampled the invocation: a sampled request's span is that segment's child; an
/// unsampled one sends nothing.
#[tokio::test]
async fn a_functions_spans_join_the_invocations_segment_and_its_sampling() {
    let (_endpoint, mut received, traces, _spans) = exporting().await;
    let [functions, _container] = both_variants().await;
    let parent = "53995c3f42cd8ad8";
    let sampled = format!("Root={ROOT};Parent={parent};Sampled=1");
    assert_eq!(create_through(&functions, &sampled).await, 201);
    assert_eq!(traces.ship().await.expect("sent"), 2);
    let (_, spans) = spans_of(&received.recv().await.expect("one request"));
    let server = spans.iter().find(|span| span.name == "POST /blog").unwrap();
    assert_eq!(hex(&server.parent_span_id), parent);
    assert_eq!(hex(&server.trace_id), ROOT_HEX);

    let unsampled = format!("Root={ROOT};Parent={parent};Sampled=0");
    assert_eq!(create_through(&functions, &unsampled).await, 201);
    assert_eq!(traces.ship().await.expect("nothing to send"), 0);
}
// ANCHOR_END: lambda_parent

/// The check of the signature fails on a body that is not the one signed.
#[tokio::test]
async fn the_signature_check_fails_on_a_changed_body() {
    let (endpoint, mut received, traces, _spans) = exporting().await;
    let [_functions, container] = both_variants().await;
    assert_eq!(
        create_through(&container, &format!("Root={ROOT}")).await,
        201
    );
    traces.ship().await.expect("sent");
    let mut request = received.recv().await.expect("one request");
    assert!(signed_for_xray(&request, endpoint));
    let mut body = request.body.to_vec();
    body[0] ^= 1;
    request.body = Bytes::from(body);
    assert!(!signed_for_xray(&request, endpoint));
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The stack names the variables and the endpoint chapter 1's `traces` reads.
#[test]
fn the_description_names_the_variables_the_binaries_read() {
    use ch12_operating::traces::{ENDPOINT_VARIABLE, RATIO_VARIABLE};
    use ch12_operating::tracing_setup::TRACING;
    assert_eq!(TRACING.endpoint_variable, ENDPOINT_VARIABLE);
    assert_eq!(TRACING.ratio_variable, RATIO_VARIABLE);
    assert_eq!(
        TRACING.container_ratio,
        ch12_operating::traces::DEFAULT_RATIO
    );
    assert!(
        TRACING
            .endpoint
            .starts_with(&format!("https://{SIGNING_NAME}.{{region}}."))
    );
}
