//! A small implementation of the documented Lambda Runtime API, enough to run a real function
//! binary the way Lambda does: the function asks `GET /2018-06-01/runtime/invocation/next` for an
//! event, and answers with `POST .../invocation/{id}/response` (or `.../error`); a function that
//! fails during init posts `.../init/error`. The harness sees each of these as an event with the
//! moment it happened, so it can time init (spawn to the first `next`) and every invocation.

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
    /// It reported invocation `id` as failed.
    Error { id: String, body: Bytes },
    /// It failed before its first `next`.
    InitError(Bytes),
}

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
}

impl RuntimeApi {
    /// Listens on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let (invocations_tx, invocations_rx) = mpsc::channel(16);
        let (reports_tx, reports_rx) = mpsc::channel(16);
        let shared = Arc::new(Shared {
            invocations: Mutex::new(invocations_rx),
            reports: reports_tx,
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
            let body = body_of(request).await;
            let report = if error {
                Report::Error { id, body }
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
        _ => status(StatusCode::NOT_FOUND),
    }
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
