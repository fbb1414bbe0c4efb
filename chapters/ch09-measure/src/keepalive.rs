//! A front for moto that keeps its clients' connections open. moto (werkzeug) closes the
//! connection after every answer, so a server talking to it opens a new TCP connection for each
//! DynamoDB call; DynamoDB itself keeps connections open. Measuring the server once through this
//! front and once straight to moto shows how much of its CPU per request is that connection
//! set-up, the part that shrinks on AWS. The front's own work is its process's, not the server's.
//!
//! With a [`LocalCa`] the front also speaks TLS, as DynamoDB does: a client then pays one
//! handshake per connection it opens, and keeps the connection for the calls after it.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Result;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::CONNECTION;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

use crate::tls::{HOST, LocalCa};

/// The running front: its URL, for `AWS_ENDPOINT_URL_DYNAMODB`. It runs on a thread of its own
/// (so a caller that blocks on a load generator does not starve it) and stops when dropped.
#[derive(Debug)]
pub struct KeepAliveFront {
    pub url: String,
    /// Connections accepted so far.
    pub connections: Connections,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for KeepAliveFront {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl KeepAliveFront {
    /// Listens on a free loopback port and forwards every request to `upstream`, one new
    /// upstream connection per request, while the client's connection stays open; over TLS
    /// with a certificate from `tls` when given one.
    pub fn start(upstream: SocketAddr, tls: Option<&LocalCa>) -> Result<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let url = match tls {
            Some(_) => format!("https://{HOST}:{port}"),
            None => format!("http://127.0.0.1:{port}"),
        };
        let acceptor = tls.map(|ca| ca.acceptor.clone());
        let connections = Connections::default();
        let counted = connections.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = TcpListener::from_std(listener) else {
                    return;
                };
                tokio::select! {
                    _ = stopped => {}
                    () = accept(listener, upstream, acceptor, counted) => {}
                }
            });
        });
        Ok(Self {
            url,
            connections,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// A count of the connections a front has accepted, shared with whoever reads it.
#[derive(Debug, Clone, Default)]
pub struct Connections(Arc<AtomicU64>);

impl Connections {
    pub fn count(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

async fn accept(
    listener: TcpListener,
    upstream: SocketAddr,
    tls: Option<TlsAcceptor>,
    connections: Connections,
) {
    while let Ok((stream, _)) = listener.accept().await {
        connections.0.fetch_add(1, Ordering::SeqCst);
        let tls = tls.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| forward(upstream, request));
            let http = hyper::server::conn::http1::Builder::new();
            let _ = match tls {
                None => http.serve_connection(TokioIo::new(stream), service).await,
                Some(tls) => match tls.accept(stream).await {
                    Ok(stream) => http.serve_connection(TokioIo::new(stream), service).await,
                    Err(_) => return,
                },
            };
        });
    }
}

async fn forward(
    upstream: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(match try_forward(upstream, request).await {
        Ok(response) => response,
        Err(err) => {
            let mut response = Response::new(Full::new(Bytes::from(err.to_string())));
            *response.status_mut() = StatusCode::BAD_GATEWAY;
            response
        }
    })
}

async fn try_forward(
    upstream: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Box<dyn std::error::Error + Send + Sync>> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await?.to_bytes();
    let stream = TcpStream::connect(upstream).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let answer = sender
        .send_request(Request::from_parts(parts, Full::new(body)))
        .await?;
    let (mut parts, body) = answer.into_parts();
    let body = body.collect().await?.to_bytes();
    // moto's `connection: close` is about its own connection, not the client's.
    parts.headers.remove(CONNECTION);
    Ok(Response::from_parts(parts, Full::new(body)))
}
