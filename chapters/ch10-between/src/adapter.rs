//! The container's own server on Lambda: chapter 4's router, unchanged, run by the AWS Lambda Web
//! Adapter, in an execution environment on your machine that runs the adapter as Lambda does.
//!
//! Lambda starts every file in `/opt/extensions` as an external extension. The adapter is one:
//! it registers under its file name, `lambda-adapter`, with the Extensions API, and polls the
//! server's readiness path until it answers. Then, in the same process, it asks the Runtime API
//! for invocations, turns each API Gateway event into an HTTP request to the server, and posts
//! the server's answer back as the function's response. The server knows nothing of Lambda: it
//! listens on a port, as in its container.
//!
//! [`Environment`] plays Lambda's part with chapter 3's implementation of both APIs: it starts
//! the adapter (the real binary, built from its source on crates.io), waits for it to register,
//! starts the server (Lambda's `Runtime init`), and counts init as done when the adapter has
//! asked for both its next extension event and its first invocation.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use ch01_blog_core::Blog;
use ch03_functions::LocalApiGateway;
use ch03_functions::local_gateway::event::DoorEvent;
use ch03_functions::local_gateway::{Backend, Door, Limits};
use ch03_functions::runtime_api::{Invocation, Report, RuntimeApi, lambda_env};
use ch04_container::router::{App, handle};
use ch04_container::server::serve_service;
use hyper::body::Incoming;
use tokio::net::TcpListener;
use tokio::sync::Mutex;

use crate::BODY_TIMEOUT;
pub use crate::web_adapter::{ADAPTER_FUNCTION_NAME, EXTENSION_NAME, adapter_settings};

/// The port the local demo serves this shape on unless told otherwise (the one function has 3003).
pub const DEFAULT_PORT: u16 = 3004;

/// The name of the output for this shape's base URL (the page takes its kind, `web-adapter`, from it).
pub const URL_OUTPUT: &str = "WebAdapterURL";

/// The environment variable that names the adapter binary built for this machine.
pub const ADAPTER_BINARY_ENV: &str = "LAMBDA_ADAPTER";

/// Lambda's limit on the init phase (10 s): an adapter that is not ready by then fails.
pub const INIT_LIMIT: Duration = Duration::from_secs(10);

/// The adapter binary for this machine: `$LAMBDA_ADAPTER`, else where `cargo xtask demo` and
/// `cargo xtask test` install it (`target/adapter/host/bin/lambda-adapter`).
pub fn adapter_binary() -> Result<PathBuf> {
    let path = match std::env::var_os(ADAPTER_BINARY_ENV) {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/adapter/host/bin")
            .join(EXTENSION_NAME),
    };
    if !path.is_file() {
        bail!(
            "no Lambda Web Adapter at {}: `cargo xtask demo` (or `cargo xtask check`) builds it \
             once from its source on crates.io (or set {ADAPTER_BINARY_ENV} to one)",
            path.display()
        );
    }
    Ok(path)
}

/// How long each part of the adapter's init took, from the moment Lambda starts it.
#[derive(Debug, Clone, Copy)]
pub struct InitParts {
    /// The adapter's own start, to its registration as an extension.
    pub adapter: Duration,
    /// From its registration to the first request that reaches the server: the server's start
    /// (and up to one interval of the adapter's readiness polling, 10 ms).
    pub server_start: Duration,
    /// From there to the adapter's first request for an invocation: the readiness check.
    pub readiness: Duration,
}

impl InitParts {
    pub fn total(&self) -> Duration {
        self.adapter + self.server_start + self.readiness
    }
}

/// One execution environment of the adapter shape: the adapter as an extension and the server as
/// the runtime, with Lambda's two APIs in front of them. Invocations run one at a time, as in a
/// Lambda execution environment.
#[derive(Debug)]
pub struct Environment {
    api: Mutex<RuntimeApi>,
    /// What Lambda would report of its init.
    pub init: InitParts,
    /// The name the adapter registered under.
    pub registered_as: String,
    next_id: AtomicU64,
    _adapter: tokio::process::Child,
}

/// A request as it reached the server: its method, its target, and its headers in order.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Environment {
    /// Starts an environment whose server is chapter 4's router on `app`, served in this process.
    pub async fn start(app: App) -> Result<Self> {
        Self::start_observed(app, None).await
    }

    /// [`Environment::start`], sending each request the server receives to `seen` as well.
    pub async fn start_observed(
        app: App,
        seen: Option<tokio::sync::mpsc::UnboundedSender<Seen>>,
    ) -> Result<Self> {
        let binary = adapter_binary()?;
        let mut api = RuntimeApi::with_extensions(&[EXTENSION_NAME]).await?;
        // A free port for the server, which listens on it only once Lambda starts the runtime:
        // until then the adapter's readiness checks are refused, as on Lambda.
        let port = TcpListener::bind("127.0.0.1:0").await?.local_addr()?.port();

        let started = Instant::now();
        let adapter = tokio::process::Command::new(&binary)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            // What Lambda sets for every function; the adapter's runtime client reads it. The
            // memory size only reaches the invocation's context: nothing here limits memory.
            .envs(lambda_env(&api.env_value(), ADAPTER_FUNCTION_NAME, 512))
            .env("AWS_REGION", "us-east-1")
            .envs(adapter_settings(port))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;

        // Extension init: the adapter registers.
        let (registered_as, registered) = match within_init(&mut api, started).await? {
            Report::ExtensionRegistered { name, at } => (name, at),
            other => bail!("the adapter did {other:?} before registering as an extension"),
        };
        // Runtime init: Lambda starts the runtime, here the server.
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let (first_request_tx, first_request) = tokio::sync::oneshot::channel();
        tokio::spawn(serve_noting_first_request(
            listener,
            app,
            first_request_tx,
            seen,
        ));
        // Init ends when the runtime's side and the extension have each asked for what is next.
        let (mut runtime_next, mut extension_next) = (None, false);
        while runtime_next.is_none() || !extension_next {
            match within_init(&mut api, started).await? {
                Report::WantsNext(at) => runtime_next = Some(at),
                Report::ExtensionWantsNext { .. } => extension_next = true,
                other => bail!("during init, the adapter did {other:?}"),
            }
        }
        let ready = runtime_next.expect("the loop waits for it");
        let server_up = first_request
            .await
            .context("the adapter's readiness check never reached the server")?;
        Ok(Self {
            api: Mutex::new(api),
            init: InitParts {
                adapter: registered - started,
                server_start: server_up.saturating_duration_since(registered),
                readiness: ready.saturating_duration_since(server_up),
            },
            registered_as,
            next_id: AtomicU64::new(0),
            _adapter: adapter,
        })
    }

    /// Invokes the function with `event` and returns the JSON document the adapter posted back
    /// (an `Err` when it reported the invocation as failed).
    pub async fn invoke_raw(&self, event: impl Into<DoorEvent>) -> Result<Vec<u8>> {
        let id = format!(
            "adapter-{:08}",
            self.next_id.fetch_add(1, Ordering::Relaxed) + 1
        );
        let mut api = self.api.lock().await;
        api.invoke(Invocation {
            id: id.clone(),
            event: event.into().to_json()?.into(),
        })
        .await;
        loop {
            match api.report().await.context("the Runtime API stopped")? {
                Report::Response {
                    id: answered, body, ..
                } if answered == id => {
                    return Ok(body.to_vec());
                }
                Report::Error { id: failed, body } if failed == id => {
                    bail!(
                        "the adapter reported the invocation as failed: {}",
                        String::from_utf8_lossy(&body)
                    );
                }
                // Its next `next`, or an extension's request: nothing to wait for.
                _ => {}
            }
        }
    }
}

/// The next report, or an error once Lambda's init limit has passed since `started`.
async fn within_init(api: &mut RuntimeApi, started: Instant) -> Result<Report> {
    let left = INIT_LIMIT.saturating_sub(started.elapsed());
    tokio::time::timeout(left, api.report())
        .await
        .context("the adapter's init took longer than Lambda allows (10 s)")?
        .context("the Runtime API stopped")
}

/// Serves chapter 4's router on `listener` through chapter 4's accept loop, saying when the first
/// request arrived (the adapter's first readiness check that reaches the server) and sending
/// every request to `seen` when asked.
async fn serve_noting_first_request(
    listener: TcpListener,
    app: App,
    first: tokio::sync::oneshot::Sender<Instant>,
    seen: Option<tokio::sync::mpsc::UnboundedSender<Seen>>,
) {
    let first = Arc::new(std::sync::Mutex::new(Some(first)));
    let app = Arc::new(app);
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        if let Some(first) = first.lock().expect("not poisoned").take() {
            let _ = first.send(Instant::now());
        }
        if let Some(seen) = &seen {
            let _ = seen.send(Seen {
                method: request.method().to_string(),
                target: request.uri().to_string(),
                headers: request
                    .headers()
                    .iter()
                    .map(|(name, value)| {
                        let value = String::from_utf8_lossy(value.as_bytes());
                        (name.to_string(), value.into_owned())
                    })
                    .collect(),
            });
        }
        let app = Arc::clone(&app);
        async move { Ok::<_, std::convert::Infallible>(handle(&app, request).await) }
    });
    let idle = Duration::from_secs(ch04_container::config::DEFAULT_IDLE_TIMEOUT_SECS);
    serve_service(listener, service, idle, idle, std::future::pending()).await;
}

/// The adapter shape as chapter 3's local API Gateway serves it: behind `ANY /{proxy+}`, like
/// the one function.
pub fn backend(environment: Arc<Environment>) -> Backend {
    Backend::Proxy {
        name: ADAPTER_FUNCTION_NAME,
        handler: Arc::new(move |event| {
            let environment = Arc::clone(&environment);
            Box::pin(async move {
                environment
                    .invoke_raw(event)
                    .await
                    .map_err(|err| lambda_http::Error::from(err.to_string()))
            })
        }),
    }
}

/// The adapter shape on `blog` behind a local API Gateway with `limits`, on a free loopback
/// port: for tests and tools. Returns where it listens, and the environment.
pub async fn start_local(blog: Blog, limits: Limits) -> Result<(SocketAddr, Arc<Environment>)> {
    start_local_behind(Door::RestApi, blog, limits).await
}

/// [`start_local`] behind another front door.
pub async fn start_local_behind(
    door: Door,
    blog: Blog,
    limits: Limits,
) -> Result<(SocketAddr, Arc<Environment>)> {
    let environment = Arc::new(
        Environment::start(App {
            blog,
            body_timeout: BODY_TIMEOUT,
        })
        .await?,
    );
    let address = LocalApiGateway::for_backend(backend(Arc::clone(&environment)))
        .with_door(door)
        .with_limits(limits)
        .start_on_loopback()
        .await?;
    Ok((address, environment))
}
