//! The container with the export: chapter 4's router for every other path.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use ch01_blog_core::http::{Request, Response};
use ch04_container::router::{App, handle};
use http_body_util::BodyExt as _;
use hyper::body::Incoming;
use tokio::net::TcpListener;

use crate::export::{self, EXPORT_PATH, ExportBody};

// ANCHOR: serve
/// Serves chapter 4's API and the export on `listener` until `shutdown` completes. hyper sends a
/// body as it is produced, in chunks: the container streams with no setting at all.
pub async fn serve(listener: TcpListener, app: Arc<App>, shutdown: impl Future<Output = ()>) {
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let app = Arc::clone(&app);
        async move { Ok::<_, Infallible>(answer(&app, request).await) }
    });
    ch04_container::server::serve_service(
        listener,
        service,
        Duration::from_secs(60),
        Duration::from_secs(5),
        shutdown,
    )
    .await;
}

async fn answer(app: &App, request: Request<Incoming>) -> Response<ExportBody> {
    if request.uri().path() == EXPORT_PATH {
        tracing::info!(method = %request.method(), path = EXPORT_PATH, "request");
        return export::respond(Arc::clone(app.blog.store()), request.method()).await;
    }
    handle(app, request)
        .await
        .map(|body| body.map_err(|never| match never {}).boxed_unsync())
}
// ANCHOR_END: serve
