//! The one function on your machine, behind chapter 3's local API Gateway.

use std::sync::Arc;

use ch03_functions::local_gateway::Backend;
use ch04_container::router::App;

use crate::{FUNCTION_NAME, invoke_raw};

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
