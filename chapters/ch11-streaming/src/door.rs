//! A front door that streams a function's answer, on your machine: a REST API whose integration
//! streams (`responseTransferMode: STREAM`), or a function URL in `RESPONSE_STREAM` mode, in
//! front of the real function binary, which runs against chapter 3's Runtime API as on Lambda.
//!
//! A streaming function posts its answer to the Runtime API as a chunked body: a JSON prelude
//! (`statusCode`, `headers`, `cookies`), eight zero bytes, then the body. The door sends the
//! prelude's status and headers to its client as soon as the delimiter arrives, then each part
//! of the body as it comes. What Lambda documents of the stream is held here: a stream that ends
//! with an error trailer counts as a success and ends where the function stopped, and a stream
//! stops at 200 MB. Lambda also caps the pace of
//! a stream after its first 6 MB; bytes here cross loopback at once, so the door records the
//! least time Lambda would need for each answer ([`Delivery::least_time_on_lambda`]) instead of
//! sleeping it.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use bytes::{Bytes, BytesMut};
use ch01_blog_core::http::{HeaderName, HeaderValue, Request, Response, StatusCode};
use ch03_functions::STAGE;
use ch03_functions::local_gateway::door::{
    LAMBDA_STREAM_CAPPED_BYTES_PER_SECOND, LAMBDA_STREAM_UNCAPPED_BYTES,
};
use ch03_functions::local_gateway::event::{
    Caller, DoorEvent, function_url_event, gateway_error, proxy_event,
};
use ch03_functions::local_gateway::{Door, answer};
use ch03_functions::runtime_api::{
    Invocation, Report, RuntimeApi, STREAM_ERROR_TYPE_TRAILER, StreamPart, lambda_env,
};
use futures_util::stream;
use http_body::Frame;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt as _, Full, Limited, StreamBody};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{OwnedMutexGuard, mpsc};

use ch04_container::export::EXPORT_PATH;

/// What a door's client receives: a whole answer, or a stream that may end in an error (the
/// connection is then closed before the body's end).
pub type DoorBody = UnsyncBoxBody<Bytes, Box<dyn std::error::Error + Send + Sync>>;

/// The content type of a streamed answer meant for an HTTP front door: a JSON prelude, eight
/// zero bytes, then the body.
pub const HTTP_INTEGRATION_RESPONSE: &str = "application/vnd.awslambda.http-integration-response";

/// The eight zero bytes between the prelude and the body.
pub const PRELUDE_DELIMITER: [u8; 8] = [0; 8];

/// Where the delimiter must have come by: API Gateway reads a prelude from the first 16 KB.
pub const MAX_PRELUDE_BYTES: usize = 16 * 1024;

/// Lambda's limit on init: a function not ready by then fails.
pub const INIT_LIMIT: Duration = Duration::from_secs(10);

/// How a door takes the function's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferMode {
    /// Whole, up to Lambda's 6 MB: a REST API's `BUFFERED` integration, a function URL's
    /// `BUFFERED` invoke mode.
    Buffered,
    /// As it is produced, up to 200 MB: `STREAM`, `RESPONSE_STREAM`.
    Stream,
}

// ANCHOR: delivery
/// What the door delivered of one streamed answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub status: u16,
    /// Bytes of body after the prelude.
    pub body_bytes: usize,
    pub ended: Ended,
}

/// How a streamed answer ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// The function ended its body: the client's response ends normally.
    Whole,
    /// The function ended with an error trailer. Lambda counts the answer a success, and the
    /// client's response ends there, short of what the function meant to send.
    ErrorTrailer { error_type: String },
    /// The stream passed Lambda's 200 MB: Lambda stopped reading, the client's response is cut.
    OverLimit,
    /// The function's connection broke.
    Broken,
}

impl Delivery {
    /// The least time Lambda takes to stream this many bytes: the first 6 MB at once, the rest at
    /// its documented 2 MB a second.
    pub fn least_time_on_lambda(&self) -> Duration {
        let capped = self.body_bytes.saturating_sub(LAMBDA_STREAM_UNCAPPED_BYTES);
        Duration::from_secs_f64(capped as f64 / LAMBDA_STREAM_CAPPED_BYTES_PER_SECOND as f64)
    }
}
// ANCHOR_END: delivery

/// One execution environment of a function binary, with Lambda's Runtime API in front of it.
/// Invocations run one at a time, as in a Lambda execution environment: a streamed answer holds
/// the environment until its last byte.
#[derive(Debug)]
pub struct Environment {
    api: Arc<tokio::sync::Mutex<RuntimeApi>>,
    next_id: AtomicU64,
    _process: Option<tokio::process::Child>,
}

/// What the function did with an invocation.
#[derive(Debug)]
pub enum Invoked {
    /// It posted its answer whole.
    Buffered(Bytes),
    /// It reported an error, or Lambda failed the invocation.
    Failed(Bytes),
    /// It is streaming its answer.
    Streaming {
        content_type: String,
        parts: mpsc::Receiver<StreamPart>,
    },
}

impl Environment {
    /// Starts `binary` as Lambda starts a function, with Lambda's environment and `env`, and waits
    /// for its init to end (its first request for an invocation).
    pub async fn start(binary: &Path, name: &str, env: &[(String, String)]) -> Result<Self> {
        let mut api = RuntimeApi::start().await?;
        let process = tokio::process::Command::new(binary)
            .env_clear()
            .envs(lambda_env(&api.env_value(), name, 512))
            .envs(env.iter().cloned())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        match tokio::time::timeout(INIT_LIMIT, api.report()).await {
            Ok(Some(Report::WantsNext(_))) => {}
            Ok(Some(Report::InitError(body))) => {
                bail!("init failed: {}", String::from_utf8_lossy(&body))
            }
            Ok(other) => bail!("during init, the function did {other:?}"),
            Err(_) => bail!("init took longer than Lambda's {INIT_LIMIT:?}"),
        }
        Ok(Self {
            api: Arc::new(tokio::sync::Mutex::new(api)),
            next_id: AtomicU64::new(0),
            _process: Some(process),
        })
    }

    /// An environment whose runtime is not a process Lambda started but whatever speaks to
    /// `api`, once it has asked for its first invocation: a runtime written by hand, say.
    pub async fn for_runtime(mut api: RuntimeApi) -> Result<Self> {
        match api.report().await {
            Some(Report::WantsNext(_)) => {}
            other => bail!("the runtime did {other:?} before asking for an invocation"),
        }
        Ok(Self {
            api: Arc::new(tokio::sync::Mutex::new(api)),
            next_id: AtomicU64::new(0),
            _process: None,
        })
    }

    /// Invokes the function with `event`. The environment stays busy while the returned guard
    /// lives: until a streamed answer has ended.
    pub async fn invoke(&self, event: DoorEvent) -> Result<(Invoked, OwnedMutexGuard<RuntimeApi>)> {
        let id = format!(
            "invocation-{:08}",
            self.next_id.fetch_add(1, Ordering::Relaxed) + 1
        );
        let mut api = Arc::clone(&self.api).lock_owned().await;
        api.invoke(Invocation {
            id: id.clone(),
            event: event.to_json()?.into(),
        })
        .await;
        loop {
            let invoked = match api.report().await.context("the Runtime API stopped")? {
                Report::Response { id: of, body, .. } if of == id => Invoked::Buffered(body),
                Report::Error { id: of, body } if of == id => Invoked::Failed(body),
                Report::Streaming {
                    id: of,
                    content_type,
                    parts,
                    ..
                } if of == id => Invoked::Streaming {
                    content_type,
                    parts,
                },
                // The last invocation's end, or the function asking for this one.
                Report::WantsNext(_) => continue,
                other => bail!("while invoked, the function did {other:?}"),
            };
            return Ok((invoked, api));
        }
    }
}

/// A front door in front of one function, on your machine.
#[derive(Debug)]
pub struct StreamingDoor {
    door: Door,
    mode: TransferMode,
    function: Environment,
    deliveries: Arc<Mutex<Vec<Delivery>>>,
    request_ids: AtomicU64,
}

impl StreamingDoor {
    /// `door` (a REST API, whose stage serves the export at `/{STAGE}/export`, or a function URL,
    /// which sends every path to the function) taking the function's answers in `mode`.
    ///
    /// # Panics
    /// For an HTTP API: it cannot stream.
    pub fn new(door: Door, mode: TransferMode, function: Environment) -> Self {
        assert!(
            door != Door::HttpApi || mode == TransferMode::Buffered,
            "an HTTP API does not stream a function's answer"
        );
        Self {
            door,
            mode,
            function,
            deliveries: Arc::default(),
            request_ids: AtomicU64::new(0),
        }
    }

    /// What the door delivered of each streamed answer so far, in order.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.deliveries.lock().expect("not poisoned").clone()
    }

    // ANCHOR: handle
    /// Answers one request as the door and the function behind it would.
    pub async fn handle(&self, request: Request<Bytes>, source_ip: &str) -> Response<DoorBody> {
        let request_id = format!(
            "local-{:08}",
            self.request_ids.fetch_add(1, Ordering::Relaxed) + 1
        );
        let caller = Caller {
            source_ip,
            request_id: &request_id,
        };
        let event = match self.door {
            Door::FunctionUrl => DoorEvent::Http(function_url_event(&request, &caller)),
            Door::RestApi if request.uri().path() == format!("/{STAGE}{EXPORT_PATH}") => {
                DoorEvent::Rest(proxy_event(&request, STAGE, EXPORT_PATH, None, &caller))
            }
            Door::RestApi | Door::HttpApi => return whole(self.door.no_route()),
        };
        let mut response = match self.function.invoke(event).await {
            Err(err) => {
                tracing::error!(%err, "invoke failed");
                whole(self.door.function_failed())
            }
            Ok((Invoked::Buffered(payload), _)) => whole(answer(self.door, &payload)),
            Ok((Invoked::Failed(error), _)) => {
                tracing::error!(error = %String::from_utf8_lossy(&error), "the function failed");
                whole(self.door.function_failed())
            }
            Ok((Invoked::Streaming { mut parts, .. }, busy))
                if self.mode == TransferMode::Buffered && self.door != Door::RestApi =>
            {
                // What a function URL does with it is not documented: the local door answers as
                // for any answer it cannot read, while the function streams on to its end.
                tracing::error!("a buffered door cannot read a streamed answer");
                tokio::spawn(async move {
                    let _busy = busy;
                    while parts.recv().await.is_some() {}
                });
                whole(self.door.function_failed())
            }
            Ok((
                Invoked::Streaming {
                    content_type,
                    parts,
                },
                busy,
            )) => self.stream(&content_type, parts, busy).await,
        };
        if let (Some(name), Ok(value)) = (
            self.door.request_id_header(),
            HeaderValue::try_from(&request_id),
        ) {
            response.headers_mut().insert(name, value);
        }
        response
    }
    // ANCHOR_END: handle

    /// Reads the prelude, answers with its status and headers, and streams the rest.
    async fn stream(
        &self,
        content_type: &str,
        mut parts: mpsc::Receiver<StreamPart>,
        busy: OwnedMutexGuard<RuntimeApi>,
    ) -> Response<DoorBody> {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        if !essence.eq_ignore_ascii_case(HTTP_INTEGRATION_RESPONSE) {
            tracing::error!(content_type, "a streamed answer without an HTTP prelude");
            return self.unreadable_stream();
        }
        // ANCHOR: prelude
        // Everything up to the eight zero bytes is the prelude, which must end within 16 KB.
        let mut received = BytesMut::new();
        let split = loop {
            if let Some(at) = received
                .windows(PRELUDE_DELIMITER.len())
                .position(|window| window == PRELUDE_DELIMITER)
            {
                break at;
            }
            if received.len() >= MAX_PRELUDE_BYTES {
                tracing::error!("no prelude delimiter in the stream's first 16 KB");
                return self.unreadable_stream();
            }
            match parts.recv().await {
                Some(StreamPart::Data(data)) => received.extend_from_slice(&data),
                _ => {
                    tracing::error!("the stream ended before its prelude did");
                    return self.unreadable_stream();
                }
            }
        };
        if split + PRELUDE_DELIMITER.len() > MAX_PRELUDE_BYTES {
            tracing::error!("the prelude delimiter ends past the stream's first 16 KB");
            return self.unreadable_stream();
        }
        let mut received = received.freeze();
        let prelude = received.split_to(split);
        let first = received.slice(PRELUDE_DELIMITER.len()..);
        let Some(mut response) = from_prelude(&prelude) else {
            tracing::error!("a prelude that is not Lambda's");
            return self.unreadable_stream();
        };
        // ANCHOR_END: prelude
        if self.mode == TransferMode::Buffered {
            // A REST API that invoked a streaming function to answer whole sends the prelude's
            // status and headers, and no body. The function streams on to its end regardless.
            tokio::spawn(async move {
                let _busy = busy;
                while parts.recv().await.is_some() {}
            });
            return response;
        }

        let status = response.status().as_u16();
        let deliveries = Arc::clone(&self.deliveries);
        let state = Streamed {
            parts,
            first: Some(first),
            body_bytes: 0,
            finished: false,
            _busy: busy,
        };
        let body = stream::unfold(state, move |mut state| {
            let deliveries = Arc::clone(&deliveries);
            async move {
                if state.finished {
                    return None;
                }
                let part = match state.first.take() {
                    Some(first) if !first.is_empty() => StreamPart::Data(first),
                    _ => match state.parts.recv().await {
                        Some(part) => part,
                        None => {
                            state.finish(&deliveries, status, Ended::Whole);
                            return None;
                        }
                    },
                };
                let ended = match part {
                    StreamPart::Data(data) => {
                        state.body_bytes += data.len();
                        return Some((Ok(Frame::data(data)), state));
                    }
                    StreamPart::Trailers(trailers) => {
                        // Lambda treats a stream that ends with an error trailer as a successful
                        // response: the client's answer ends where the function stopped.
                        let ended = match trailers.get(STREAM_ERROR_TYPE_TRAILER) {
                            Some(error_type) => Ended::ErrorTrailer {
                                error_type: error_type.to_str().unwrap_or_default().to_owned(),
                            },
                            None => Ended::Whole,
                        };
                        state.finish(&deliveries, status, ended);
                        return None;
                    }
                    StreamPart::TooLarge => Ended::OverLimit,
                    StreamPart::Broken(_) => Ended::Broken,
                };
                // The client's response cannot change status any more: it is cut short.
                let error = format!("the function's stream ended early: {ended:?}");
                state.finish(&deliveries, status, ended);
                Some((Err(error.into()), state))
            }
        });
        *response.body_mut() = StreamBody::new(body).boxed_unsync();
        response
    }

    /// What the door answers for a stream it cannot read: a REST API documents `500`; what a
    /// function URL answers is not documented, and the local door answers as for a failed
    /// function.
    fn unreadable_stream(&self) -> Response<DoorBody> {
        match self.door {
            Door::RestApi => whole(gateway_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal server error",
            )),
            _ => whole(self.door.function_failed()),
        }
    }

    /// Serves HTTP on a free loopback port until the process ends: where it listens.
    pub async fn start_on_loopback(self: &Arc<Self>) -> std::io::Result<SocketAddr> {
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
        let address = listener.local_addr()?;
        let door = Arc::clone(self);
        tokio::spawn(async move {
            while let Ok((stream, peer)) = listener.accept().await {
                let door = Arc::clone(&door);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                        let door = Arc::clone(&door);
                        async move { Ok::<_, Infallible>(door.handle_incoming(request, peer).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(address)
    }

    async fn handle_incoming(
        &self,
        request: Request<Incoming>,
        peer: SocketAddr,
    ) -> Response<DoorBody> {
        let (parts, body) = request.into_parts();
        match Limited::new(body, self.door.max_request_body())
            .collect()
            .await
        {
            Ok(collected) => {
                let request = Request::from_parts(parts, collected.to_bytes());
                self.handle(request, &peer.ip().to_string()).await
            }
            Err(_) => whole(self.door.body_too_large()),
        }
    }
}

/// A streamed answer on its way to the client.
struct Streamed {
    parts: mpsc::Receiver<StreamPart>,
    first: Option<Bytes>,
    body_bytes: usize,
    finished: bool,
    /// The execution environment, busy until the stream ends.
    _busy: OwnedMutexGuard<RuntimeApi>,
}

impl Streamed {
    fn finish(&mut self, deliveries: &Mutex<Vec<Delivery>>, status: u16, ended: Ended) {
        self.finished = true;
        deliveries.lock().expect("not poisoned").push(Delivery {
            status,
            body_bytes: self.body_bytes,
            ended,
        });
    }
}

/// The response a prelude describes, with an empty body: `statusCode`, `headers` and
/// `multiValueHeaders` (a value or a list of values each), and `cookies` as `Set-Cookie` headers.
pub fn from_prelude(prelude: &[u8]) -> Option<Response<DoorBody>> {
    let prelude: serde_json::Value = serde_json::from_slice(prelude).ok()?;
    let status = StatusCode::from_u16(u16::try_from(prelude["statusCode"].as_u64()?).ok()?).ok()?;
    let mut response = Response::new(empty());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    let single = prelude["headers"].as_object().into_iter().flatten();
    let multiple = prelude["multiValueHeaders"]
        .as_object()
        .into_iter()
        .flatten();
    for (name, values) in single.chain(multiple) {
        let name = HeaderName::try_from(name.as_str()).ok()?;
        let values = match values {
            serde_json::Value::Array(values) => values.clone(),
            value => vec![value.clone()],
        };
        // A header in both maps takes the values of `multiValueHeaders`.
        headers.remove(&name);
        for value in values {
            headers.append(&name, HeaderValue::try_from(value.as_str()?).ok()?);
        }
    }
    for cookie in prelude["cookies"].as_array().into_iter().flatten() {
        headers.append(
            ch01_blog_core::http::header::SET_COOKIE,
            HeaderValue::try_from(cookie.as_str()?).ok()?,
        );
    }
    Some(response)
}

fn empty() -> DoorBody {
    Full::new(Bytes::new())
        .map_err(|never| match never {})
        .boxed_unsync()
}

/// A whole answer as a door body.
fn whole(response: Response<Bytes>) -> Response<DoorBody> {
    response.map(|body| {
        Full::new(body)
            .map_err(|never| match never {})
            .boxed_unsync()
    })
}
