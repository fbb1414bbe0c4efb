//! A small implementation of the documented Lambda Runtime API, enough to run a real function
//! binary the way Lambda does: the function asks `GET /2018-06-01/runtime/invocation/next` for an
//! event, and answers with `POST .../invocation/{id}/response` (or `.../error`); a function that
//! fails during init posts `.../init/error`. The harness sees each of these as an event with the
//! moment it happened, so it can time init (spawn to the first `next`) and every invocation.
//!
//! It serves the part of the Lambda Extensions API an external extension uses to start, on the
//! same address as Lambda does: `POST /2020-01-01/extension/register`, whose
//! `Lambda-Extension-Name` must be the file name of an extension the environment started (Lambda
//! checks it against the file in `/opt/extensions`), answered with a `Lambda-Extension-Identifier`;
//! and `GET /2020-01-01/extension/event/next` with that identifier, which ends the extension's
//! init. No event is ever delivered to an extension here: none of this book's runs shuts an
//! environment down while it is watched, and an extension registered for no events (as the
//! Lambda Web Adapter is) never receives one.
//!
//! A function that streams its response posts it with `Lambda-Runtime-Function-Response-Mode:
//! streaming` and a chunked body, which may end with trailers naming an error. The harness hands
//! such a response on as it arrives, part by part ([`Report::Streaming`]), and stops reading at
//! Lambda's limit on a streamed response. A buffered response over Lambda's 6 MB limit is refused
//! as Lambda refuses it: the invocation fails with `Function.ResponseSizeTooLarge`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{Mutex, mpsc};

use crate::local_gateway::LAMBDA_MAX_RESPONSE_BYTES;
use crate::local_gateway::door::LAMBDA_MAX_STREAMED_RESPONSE_BYTES;

/// What the function did, and when.
#[derive(Debug)]
pub enum Report {
    /// It asked for its next event: init is over (the first time), or the last call is.
    WantsNext(Instant),
    /// It answered invocation `id`.
    Response {
        id: String,
        body: Bytes,
        at: Instant,
    },
    /// It started to stream its answer to invocation `id`: the parts follow on `parts` as they
    /// arrive, and the channel closes when the body has ended.
    Streaming {
        id: String,
        /// The `Content-Type` of what it streams (for an HTTP front door, Lambda's
        /// `application/vnd.awslambda.http-integration-response`).
        content_type: String,
        parts: mpsc::Receiver<StreamPart>,
        at: Instant,
    },
    /// It reported invocation `id` as failed (or Lambda failed it: a buffered response over
    /// 6 MB).
    Error { id: String, body: Bytes },
    /// It failed before its first `next`.
    InitError(Bytes),
    /// An extension registered, under its file name.
    ExtensionRegistered { name: String, at: Instant },
    /// A registered extension asked for its next event: its init is over.
    ExtensionWantsNext { name: String, at: Instant },
}

/// A part of a streamed response, as the Runtime API receives it.
#[derive(Debug)]
pub enum StreamPart {
    /// Bytes of the body.
    Data(Bytes),
    /// The trailers that end the body: a runtime reports an error in the middle of a stream
    /// with `Lambda-Runtime-Function-Error-Type` and `Lambda-Runtime-Function-Error-Body`.
    Trailers(hyper::HeaderMap),
    /// The stream went past Lambda's limit on a streamed response: Lambda reads no further.
    TooLarge,
    /// The runtime's connection broke before the body ended.
    Broken(String),
}

/// The header a runtime sets to stream its response.
pub const RESPONSE_MODE_HEADER: &str = "lambda-runtime-function-response-mode";

/// The trailer naming the error that ended a stream.
pub const STREAM_ERROR_TYPE_TRAILER: &str = "lambda-runtime-function-error-type";

/// One invocation to hand the function.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub id: String,
    pub event: Bytes,
}

/// The Runtime API's end of the harness: it queues invocations and reports what the function
/// does with them.
#[derive(Debug)]
pub struct RuntimeApi {
    pub address: SocketAddr,
    invocations: mpsc::Sender<Invocation>,
    reports: mpsc::Receiver<Report>,
}

struct Shared {
    invocations: Mutex<mpsc::Receiver<Invocation>>,
    reports: mpsc::Sender<Report>,
    /// The file names of the extensions the environment started, which alone may register.
    extensions: Vec<String>,
    /// Each registered extension's identifier, with its name.
    registered: std::sync::Mutex<Vec<(String, String)>>,
}

/// Lambda's header names for the Extensions API.
pub const EXTENSION_NAME_HEADER: &str = "lambda-extension-name";
pub const EXTENSION_IDENTIFIER_HEADER: &str = "lambda-extension-identifier";

impl RuntimeApi {
    /// Listens on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        Self::with_extensions(&[]).await
    }

    /// Listens on a free loopback port, for an environment that started the external extensions
    /// named (their file names, as in `/opt/extensions/<name>`).
    pub async fn with_extensions(extensions: &[&str]) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let (invocations_tx, invocations_rx) = mpsc::channel(16);
        let (reports_tx, reports_rx) = mpsc::channel(16);
        let shared = Arc::new(Shared {
            invocations: Mutex::new(invocations_rx),
            reports: reports_tx,
            extensions: extensions.iter().map(|name| (*name).to_owned()).collect(),
            registered: std::sync::Mutex::new(Vec::new()),
        });
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = Arc::clone(&shared);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let shared = Arc::clone(&shared);
                        async move { Ok::<_, Infallible>(answer(&shared, request).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Self {
            address,
            invocations: invocations_tx,
            reports: reports_rx,
        })
    }

    /// The value of `AWS_LAMBDA_RUNTIME_API` for the function.
    pub fn env_value(&self) -> String {
        self.address.to_string()
    }

    /// Hands the function its next invocation (it receives it on its pending `next`).
    pub async fn invoke(&self, invocation: Invocation) {
        self.invocations
            .send(invocation)
            .await
            .expect("the Runtime API is running");
    }

    /// The next thing the function did.
    pub async fn report(&mut self) -> Option<Report> {
        self.reports.recv().await
    }
}

async fn answer(shared: &Shared, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let path = request.uri().path().to_owned();
    let now = Instant::now();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["2018-06-01", "runtime", "invocation", "next"] => {
            let _ = shared.reports.send(Report::WantsNext(now)).await;
            let next = shared.invocations.lock().await.recv().await;
            match next {
                Some(invocation) => Response::builder()
                    .header("lambda-runtime-aws-request-id", invocation.id)
                    .header("lambda-runtime-deadline-ms", deadline_ms())
                    .header(
                        "lambda-runtime-invoked-function-arn",
                        "arn:aws:lambda:us-east-1:123456789012:function:measured",
                    )
                    .header(
                        "lambda-runtime-trace-id",
                        "Root=1-00000000-000000000000000000000000",
                    )
                    .body(Full::new(invocation.event))
                    .expect("a valid response"),
                None => status(StatusCode::GONE),
            }
        }
        [
            "2018-06-01",
            "runtime",
            "invocation",
            id,
            outcome @ ("response" | "error"),
        ] => {
            let id = (*id).to_owned();
            let error = *outcome == "error";
            if !error && header(&request, RESPONSE_MODE_HEADER) == "streaming" {
                return stream(shared, id, request).await;
            }
            let body = body_of(request).await;
            let report = if error {
                Report::Error { id, body }
            } else if body.len() > LAMBDA_MAX_RESPONSE_BYTES {
                let _ = shared
                    .reports
                    .send(Report::Error {
                        id,
                        body: response_too_large(body.len()),
                    })
                    .await;
                return error_response(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    response_too_large(body.len()),
                );
            } else {
                Report::Response {
                    id,
                    body,
                    at: Instant::now(),
                }
            };
            let _ = shared.reports.send(report).await;
            status(StatusCode::ACCEPTED)
        }
        ["2018-06-01", "runtime", "init", "error"] => {
            let body = body_of(request).await;
            let _ = shared.reports.send(Report::InitError(body)).await;
            status(StatusCode::ACCEPTED)
        }
        ["2020-01-01", "extension", "register"] => register(shared, request).await,
        ["2020-01-01", "extension", "event", "next"] => {
            let identifier = header(&request, EXTENSION_IDENTIFIER_HEADER);
            let name = shared
                .registered
                .lock()
                .expect("not poisoned")
                .iter()
                .find(|(id, _)| *id == identifier)
                .map(|(_, name)| name.clone());
            let Some(name) = name else {
                return error(
                    StatusCode::FORBIDDEN,
                    "Extension.UnknownExtensionIdentifier",
                );
            };
            let _ = shared
                .reports
                .send(Report::ExtensionWantsNext { name, at: now })
                .await;
            // No event comes: the request stays open until the environment goes away.
            std::future::pending::<()>().await;
            unreachable!()
        }
        _ => status(StatusCode::NOT_FOUND),
    }
}

/// A streamed response: reported at once, then handed on part by part as it arrives, up to
/// Lambda's limit on a streamed response.
async fn stream(shared: &Shared, id: String, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let content_type = header(&request, "content-type");
    let (parts, receiver) = mpsc::channel(8);
    let _ = shared
        .reports
        .send(Report::Streaming {
            id,
            content_type,
            parts: receiver,
            at: Instant::now(),
        })
        .await;
    let mut body = request.into_body();
    let mut received = 0usize;
    loop {
        let part = match body.frame().await {
            None => break,
            Some(Err(err)) => StreamPart::Broken(err.to_string()),
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => {
                    received += data.len();
                    if received > LAMBDA_MAX_STREAMED_RESPONSE_BYTES {
                        let _ = parts.send(StreamPart::TooLarge).await;
                        return error_response(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            response_too_large(received),
                        );
                    }
                    StreamPart::Data(data)
                }
                Err(frame) => match frame.into_trailers() {
                    Ok(trailers) => StreamPart::Trailers(trailers),
                    Err(_) => continue,
                },
            },
        };
        let last = matches!(part, StreamPart::Broken(_));
        // Whoever streams the answer on may have stopped listening (its client went away):
        // the body is read to its end all the same, as Lambda does.
        let _ = parts.send(part).await;
        if last {
            break;
        }
    }
    status(StatusCode::ACCEPTED)
}

/// Lambda's error for a response over its limit, as the Runtime API gives it.
fn response_too_large(bytes: usize) -> Bytes {
    let body = serde_json::json!({
        "errorMessage": format!("Response payload size ({bytes} bytes) exceeded maximum allowed payload size."),
        "errorType": "Function.ResponseSizeTooLarge",
    });
    Bytes::from(body.to_string())
}

/// `POST /2020-01-01/extension/register`: only during init, only by an extension the
/// environment started, under its file name.
async fn register(shared: &Shared, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let name = header(&request, EXTENSION_NAME_HEADER);
    if !shared.extensions.contains(&name) {
        return error(StatusCode::FORBIDDEN, "Extension.InvalidExtensionName");
    }
    let body = body_of(request).await;
    let subscribed: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(_) => return error(StatusCode::BAD_REQUEST, "InvalidRequestFormat"),
    };
    if !subscribed["events"].is_array() {
        return error(StatusCode::BAD_REQUEST, "InvalidRequestFormat");
    }
    let identifier = {
        let mut registered = shared.registered.lock().expect("not poisoned");
        let identifier = format!("extension-{}", registered.len() + 1);
        registered.push((identifier.clone(), name.clone()));
        identifier
    };
    let _ = shared
        .reports
        .send(Report::ExtensionRegistered {
            name,
            at: Instant::now(),
        })
        .await;
    Response::builder()
        .header(EXTENSION_IDENTIFIER_HEADER, identifier)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(
            serde_json::json!({
                "functionName": FUNCTION_NAME,
                "functionVersion": "$LATEST",
                "handler": "bootstrap",
            })
            .to_string(),
        )))
        .expect("a valid response")
}

/// The environment Lambda gives a function (what `lambda_runtime` reads), and nothing of the
/// harness's own: what the function needs besides (its store, say) is the caller's.
pub fn lambda_env(runtime_api: &str, name: &str, memory_mb: u32) -> Vec<(String, String)> {
    [
        ("AWS_LAMBDA_RUNTIME_API", runtime_api.to_owned()),
        ("AWS_LAMBDA_FUNCTION_NAME", name.to_owned()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", memory_mb.to_string()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_owned()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}")),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "measured".to_owned()),
        ("AWS_LAMBDA_LOG_LEVEL", "WARN".to_owned()),
    ]
    .map(|(name, value)| (name.to_owned(), value))
    .to_vec()
}

/// The function name the environment reports (to extensions, and in its ARN).
pub const FUNCTION_NAME: &str = "measured";

fn header(request: &Request<Incoming>, name: &str) -> String {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// An error of the Extensions API: its status, with `{errorMessage, errorType}`.
fn error(code: StatusCode, error_type: &str) -> Response<Full<Bytes>> {
    let body = serde_json::json!({ "errorMessage": error_type, "errorType": error_type });
    error_response(code, Bytes::from(body.to_string()))
}

fn error_response(code: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = code;
    response
}

/// Fifteen minutes from now, in milliseconds since the epoch: no invocation here runs out of time.
fn deadline_ms() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (now.as_millis() + 15 * 60 * 1000).to_string()
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = code;
    response
}

/// A request's whole body (empty if it cannot be read).
async fn body_of(request: Request<Incoming>) -> Bytes {
    request
        .into_body()
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default()
}
