//! Accepting connections, with timeouts, and stopping gracefully.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use ch01_blog_core::http::{Request, Response};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use crate::export::{self, EXPORT_PATH, ExportBody};
use crate::router::{App, handle};

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting connections and
/// gives the requests in flight up to `grace` to finish.
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    idle_timeout: Duration,
    grace: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let app = Arc::clone(&app);
        async move { Ok::<_, Infallible>(answer(&app, request).await) }
    });
    serve_service(listener, service, idle_timeout, grace, shutdown).await;
}

// ANCHOR: export_route
/// Chapter 11's export, streamed as it is produced (hyper sends a body that is a stream in
/// chunks: there is no setting to turn on), and chapter 4's router for every other path.
async fn answer(app: &App, request: Request<Incoming>) -> Response<ExportBody> {
    if request.uri().path() == EXPORT_PATH {
        tracing::info!(method = %request.method(), path = EXPORT_PATH, "request");
        return export::respond(Arc::clone(app.blog.store()), request.method()).await;
    }
    handle(app, request).await.map(export::boxed)
}
// ANCHOR_END: export_route

/// The accept loop of [`serve`], for any hyper service (chapter 7 serves static files with it).
pub async fn serve_service<S, B>(
    listener: TcpListener,
    service: S,
    idle_timeout: Duration,
    grace: Duration,
    shutdown: impl Future<Output = ()>,
) where
    S: hyper::service::Service<Request<Incoming>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    // ANCHOR: serve
    let mut http = http1::Builder::new();
    // Closes a connection that sends no complete request head within the timeout; this covers
    // both slow clients and idle keep-alive connections waiting for their next request.
    http.timer(TokioTimer::new())
        .header_read_timeout(idle_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);

    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Usually out of file descriptors: wait a moment instead of spinning.
                    tracing::warn!(%err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let connection =
            graceful.watch(http.serve_connection(TokioIo::new(stream), service.clone()));
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(%err, %peer, "connection closed with an error");
            }
        });
    }

    // Stop accepting: new connections are now refused by the operating system.
    drop(listener);
    tracing::info!("shutting down: finishing requests in flight");
    // Idle keep-alive connections close at once; busy ones after their current response.
    match tokio::time::timeout(grace, graceful.shutdown()).await {
        Ok(()) => tracing::info!("all connections closed"),
        Err(_) => tracing::warn!(?grace, "grace period over; dropping remaining connections"),
    }
    // ANCHOR_END: serve
}

// ANCHOR: signal
/// Completes on SIGTERM (what ECS sends to stop a task) or Ctrl-C (SIGINT). The handlers are
/// installed when this is called, not when it is first awaited: call it before announcing that
/// the server is up, so that a signal sent right after the announcement is never missed (until a
/// handler exists, SIGTERM kills the process outright, requests in flight and all).
pub fn shutdown_signal() -> impl Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt()).expect("a SIGINT handler");
        let mut terminate = signal(SignalKind::terminate()).expect("a SIGTERM handler");
        async move {
            tokio::select! {
                _ = interrupt.recv() => tracing::info!(signal = "SIGINT", "stop requested"),
                _ = terminate.recv() => tracing::info!(signal = "SIGTERM", "stop requested"),
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!(signal = "Ctrl-C", "stop requested");
    }
}
// ANCHOR_END: signal
