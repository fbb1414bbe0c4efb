//! The one function on your machine, behind chapter 3's local API Gateway.

use std::net::SocketAddr;
use std::sync::Arc;

use ch01_blog_core::Blog;
use ch03_functions::LocalApiGateway;
use ch03_functions::local_gateway::{Backend, Limits};
use ch04_container::router::App;

use crate::{BODY_TIMEOUT, FUNCTION_NAME, invoke_raw};

/// The port `local-all-routes` listens on unless told otherwise (the four functions' gateway
/// has 3001).
pub const DEFAULT_PORT: u16 = 3003;

/// The name of the stack output for the one function's base URL.
pub const URL_OUTPUT: &str = "AllRoutesURL";

// ANCHOR: backend
/// The one function as chapter 3's local API Gateway serves it: behind `ANY /{proxy+}`.
pub fn backend(app: App) -> Backend {
    Backend::Proxy {
        name: FUNCTION_NAME,
        handler: Arc::new(move |event| {
            let app = app.clone();
            Box::pin(async move { invoke_raw(&app, event).await })
        }),
    }
}
// ANCHOR_END: backend

/// The one function on `blog` behind a local API Gateway with `limits`, on a free loopback
/// port, serving until the process ends: for tests and tools. Returns where it listens.
pub async fn start_local(blog: Blog, limits: Limits) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let app = App {
        blog,
        body_timeout: BODY_TIMEOUT,
    };
    let gateway = LocalApiGateway::for_backend(backend(app)).with_limits(limits);
    tokio::spawn(Arc::new(gateway).serve(listener, std::future::pending()));
    Ok(address)
}
