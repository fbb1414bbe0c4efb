//! What the second shape's function is made of, wherever it runs: the adapter's name, the
//! function's name, and the settings the function's configuration gives the adapter and the
//! server. The stack deploys them (through `openapi.json`); [`crate::adapter`] runs them locally.

use ch04_container::config::DEFAULT_PORT as SERVER_PORT;
use ch04_container::router::HEALTH_PATH;

/// The adapter's file name in `/opt/extensions`, which is also the name it registers under, and
/// the name of the layer that carries it (its zip holds `extensions/lambda-adapter`).
pub const EXTENSION_NAME: &str = "lambda-adapter";

/// The function's name in this shape.
pub const ADAPTER_FUNCTION_NAME: &str = "web-adapter";

/// The environment variable the server reads its port from, as in its container.
pub const SERVER_PORT_VARIABLE: &str = "PORT";

// ANCHOR: settings
/// What the function's configuration tells the adapter: the server's port, and the path it polls
/// until the server answers (chapter 4's health check, which reads nothing). Every other setting
/// keeps the adapter's default: buffered responses, no compression, and a readiness check over
/// HTTP that takes any status below 500 as ready.
pub fn adapter_settings(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_LWA_PORT", port.to_string()),
        ("AWS_LWA_READINESS_CHECK_PATH", HEALTH_PATH.to_owned()),
    ]
}

/// The deployed function's own environment: the server listens on its container's port (on
/// `127.0.0.1`, its default, since only the adapter in the same environment calls it), and the
/// adapter is told that port and the readiness path.
pub fn function_environment() -> Vec<(&'static str, String)> {
    let mut environment = vec![(SERVER_PORT_VARIABLE, SERVER_PORT.to_string())];
    environment.extend(adapter_settings(SERVER_PORT));
    environment
}
// ANCHOR_END: settings
