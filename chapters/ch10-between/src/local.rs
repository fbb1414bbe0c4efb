//! The one function on your machine, behind chapter 3's local API Gateway.

use std::net::SocketAddr;
use std::sync::Arc;

use ch01_blog_core::Blog;
use ch03_functions::LocalApiGateway;
use ch03_functions::local_gateway::{Backend, Door, Limits};
use ch04_container::router::App;

use crate::{BODY_TIMEOUT, FUNCTION_NAME};

/// The port `local-all-routes` listens on unless told otherwise (the four functions' gateway
/// has 3001).
pub const DEFAULT_PORT: u16 = 3003;

/// The name of the stack output for the one function's base URL.
pub const URL_OUTPUT: &str = "AllRoutesURL";

// ANCHOR: backend
/// The one function as chapter 3's local gateway serves it: behind a REST API's `ANY /{proxy+}`,
/// an HTTP API's `$default` route, or its function URL.
pub fn backend(app: App) -> Backend {
    Backend::Proxy {
        name: FUNCTION_NAME,
        handler: Arc::new(move |event| {
            let app = app.clone();
            Box::pin(async move {
                ch03_functions::invoke_service_with(
                    crate::one_function(app),
                    event.into_lambda_request(),
                )
                .await
            })
        }),
    }
}
// ANCHOR_END: backend

/// The one function on `blog` behind a local API Gateway with `limits`, on a free loopback
/// port, serving until the process ends: for tests and tools. Returns where it listens.
pub async fn start_local(blog: Blog, limits: Limits) -> std::io::Result<SocketAddr> {
    start_local_behind(Door::RestApi, blog, limits).await
}

/// [`start_local`] behind another front door.
pub async fn start_local_behind(
    door: Door,
    blog: Blog,
    limits: Limits,
) -> std::io::Result<SocketAddr> {
    let app = App {
        blog,
        body_timeout: BODY_TIMEOUT,
    };
    LocalApiGateway::for_backend(backend(app))
        .with_door(door)
        .with_limits(limits)
        .start_on_loopback()
        .await
}
