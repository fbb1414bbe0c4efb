//! # Chapter 7: both backends on your machine
//!
//! One process runs what the cloud runs in many: the four functions behind chapter 3's local API
//! Gateway, chapter 4's server, a static server for the demo page (with a generated `urls.js`)
//! and one for the book. Both backends share one store, so a post written through one is read
//! through the other, as in AWS where both use one DynamoDB table.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use bytes::Bytes;
use ch01_blog_core::http::{HeaderName, HeaderValue, Request, Response, StatusCode};
use ch01_blog_core::{MemoryStore, PostStore};
use ch02_dynamodb::{DynamoStore, StoreChoice, create_table};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// The page's list of backends, written the same way here and by the deploy (chapter 6 owns it).
pub use ch06_infrastructure::page::{BackendUrl, urls_js};

/// What `local-demo` prints once everything is listening: one line per URL, which `cargo xtask
/// test` (and you) can read.
pub fn startup_lines(store: StoreChoice, urls: &[(&str, &str)]) -> String {
    let mut out = format!("store: {store}\n");
    for (name, url) in urls {
        out.push_str(&format!("{name}: {url}\n"));
    }
    out.push_str("Ctrl-C stops everything.\n");
    out
}

// ANCHOR: store
/// The one store both backends share. For DynamoDB the table is created if it is missing, so a
/// fresh local server (moto, DynamoDB Local) works with no setup.
pub async fn shared_store(choice: StoreChoice) -> Result<Arc<dyn PostStore>> {
    Ok(match choice {
        StoreChoice::Memory => Arc::new(MemoryStore::new()),
        StoreChoice::DynamoDb => {
            let store = DynamoStore::from_env().await;
            create_table(store.client(), store.table())
                .await
                .with_context(|| format!("cannot use table {}", store.table()))?;
            Arc::new(store)
        }
    })
}
// ANCHOR_END: store

/// The body of every static response.
pub type StaticBody = UnsyncBoxBody<Bytes, std::io::Error>;

// ANCHOR: csp
/// The Content-Security-Policy the demo page is served with: its scripts, styles and images
/// come from its own origin only, nothing inline runs, and it may call exactly the backends it is given
/// (`connect-src` takes origins: scheme, host and port).
pub fn content_security_policy(backend_urls: &[&str]) -> String {
    let origins: Vec<String> = backend_urls
        .iter()
        .filter_map(|url| {
            let (scheme, rest) = url.split_once("://")?;
            let host = rest.split('/').next()?;
            Some(format!("{scheme}://{host}"))
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' {}; \
         img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        origins.join(" ")
    )
}
// ANCHOR_END: csp

/// Serves the files of `dir`; `/urls.js`, when given, is served from memory instead; every
/// answer carries `headers` (the page's security headers).
pub fn static_site(
    dir: PathBuf,
    urls_js: Option<Arc<str>>,
    headers: Vec<(HeaderName, HeaderValue)>,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = Response<StaticBody>,
    Error = Infallible,
    Future: Send,
> + Clone
+ Send
+ 'static {
    let files = ServeDir::new(dir).append_index_html_on_directories(true);
    let headers = Arc::new(headers);
    hyper::service::service_fn(move |request: Request<Incoming>| {
        let files = files.clone();
        let urls_js = urls_js.clone();
        let headers = Arc::clone(&headers);
        async move {
            let mut response = answer_static(files, urls_js, request).await;
            for (name, value) in headers.iter() {
                response.headers_mut().insert(name, value.clone());
            }
            Ok(response)
        }
    })
}

async fn answer_static(
    files: ServeDir,
    urls_js: Option<Arc<str>>,
    request: Request<Incoming>,
) -> Response<StaticBody> {
    if let (Some(script), "/urls.js") = (urls_js, request.uri().path()) {
        return Response::builder()
            .header("content-type", "text/javascript; charset=utf-8")
            .header("cache-control", "no-store")
            .body(full(script.as_bytes().to_vec()))
            .expect("a valid response");
    }
    match files.oneshot(request).await {
        Ok(response) => response.map(|body| body.map_err(std::io::Error::other).boxed_unsync()),
        Err(err) => Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .body(full(err.to_string().into_bytes()))
            .expect("a valid response"),
    }
}

fn full(bytes: Vec<u8>) -> StaticBody {
    Full::new(Bytes::from(bytes))
        .map_err(|never| match never {})
        .boxed_unsync()
}
