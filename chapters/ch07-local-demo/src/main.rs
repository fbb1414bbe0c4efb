//! `local-demo`: both backends, the demo page and the book, on 127.0.0.1.
//!
//! `cargo xtask demo` builds the book and runs this; `cargo run -p ch07-local-demo -- --help`
//! lists the ports and options.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use ch01_blog_core::http::{HeaderName, HeaderValue};
use ch01_blog_core::{Blog, PostStore};
use ch02_dynamodb::StoreChoice;
use ch03_functions::local_gateway::{Backend, Door};
use ch03_functions::{LocalApiGateway, STAGE};
use ch04_container::router::App;
use ch04_container::server::{serve, serve_service, shutdown_signal};
use ch07_local_demo::{
    BackendUrl, content_security_policy, shared_store, startup_lines, static_site, urls_js,
};
use clap::Parser;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tracing_subscriber::EnvFilter;

// ANCHOR: args
/// Runs the blog's backends on one shared store, the demo page and the book, on 127.0.0.1.
#[derive(Debug, Parser)]
#[command(name = "local-demo")]
struct Args {
    /// Port of the functions backend (the local API Gateway; its URL ends in /Prod/).
    #[arg(long, default_value_t = ch03_functions::local_gateway::DEFAULT_PORT)]
    functions_port: u16,
    /// Port of the containers backend (the hyper server).
    #[arg(long, default_value_t = ch04_container::config::DEFAULT_PORT)]
    containers_port: u16,
    /// Port of chapter 10's one function for every route (a local API Gateway with `{proxy+}`;
    /// its URL ends in /Prod/).
    #[arg(long, default_value_t = ch10_between::DEFAULT_PORT)]
    all_routes_port: u16,
    /// Port of chapter 10's container server through the Lambda Web Adapter (a local API Gateway
    /// with `{proxy+}`; its URL ends in /Prod/). Needs the adapter built for this machine
    /// (`cargo xtask demo` builds it; or `LAMBDA_ADAPTER=<binary>`); without it, this backend is
    /// left out.
    #[arg(long, default_value_t = ch10_between::adapter::DEFAULT_PORT)]
    web_adapter_port: u16,
    /// Port of the four functions behind a local HTTP API (payload format 2.0, `$default`
    /// stage: its URL ends in the port's /).
    #[arg(long, default_value_t = HTTP_API_PORT)]
    http_api_port: u16,
    /// Port of chapter 10's one function behind its own function URL (payload format 2.0).
    #[arg(long, default_value_t = FUNCTION_URL_PORT)]
    all_routes_function_port: u16,
    /// Port of the demo page.
    #[arg(long, default_value_t = 3002)]
    demo_port: u16,
    /// Port of the book.
    #[arg(long, default_value_t = 3000)]
    book_port: u16,
    /// Store shared by both backends: memory, or dynamodb (TABLE_NAME, AWS_REGION,
    /// AWS_ENDPOINT_URL_DYNAMODB; the table is created if missing). Default: memory, as for the
    /// functions and the server.
    #[arg(long, env = StoreChoice::ENV)]
    store: Option<StoreChoice>,
    /// Use a containers backend that is already running at this URL (say, the Docker image)
    /// instead of starting one.
    #[arg(long)]
    containers_url: Option<String>,
    /// Use a functions backend that is already running at this URL instead of starting one.
    #[arg(long)]
    functions_url: Option<String>,
    /// Use a one-function backend that is already running at this URL instead of starting one.
    #[arg(long)]
    all_routes_url: Option<String>,
    /// Use a web-adapter backend that is already running at this URL instead of starting one.
    #[arg(long)]
    web_adapter_url: Option<String>,
    /// Use an HTTP API backend that is already running at this URL instead of starting one.
    #[arg(long)]
    http_api_url: Option<String>,
    /// Use a one-function URL backend that is already running at this URL instead of starting
    /// one.
    #[arg(long)]
    all_routes_function_url: Option<String>,
    /// The demo page's folder.
    #[arg(long, default_value_os_t = workspace().join("html"))]
    html_dir: PathBuf,
    /// The built book (`mdbook build book` writes it).
    #[arg(long, default_value_os_t = workspace().join("book/book"))]
    book_dir: PathBuf,
}
// ANCHOR_END: args

/// The default ports of the two other front doors.
const HTTP_API_PORT: u16 = 3005;
const FUNCTION_URL_PORT: u16 = 3006;

/// The stack outputs (and `urls.js` keys) of the two other front doors.
const HTTP_API_OUTPUT: &str = "HttpApiURL";
const FUNCTION_URL_OUTPUT: &str = "AllRoutesFunctionURL";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

async fn bind(port: u16, what: &str) -> Result<TcpListener> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpListener::bind(address).await.with_context(|| {
        format!("cannot listen on {address} for the {what}; pick another port with --{what}-port")
    })
}

fn url_of(listener: &TcpListener, path: &str) -> String {
    format!(
        "http://{}{path}",
        listener.local_addr().expect("a bound listener")
    )
}

/// Where a backend answers: the listener this process bound, else the URL it was given.
fn backend_url(listener: Option<&TcpListener>, given: &Option<String>, path: &str) -> String {
    match listener {
        Some(listener) => url_of(listener, path),
        None => given.clone().unwrap_or_default(),
    }
}

/// Where the book will answer, if it is built; else what to do to build it.
fn book_url(listener: &TcpListener, book_dir: &Path) -> Result<String, String> {
    if book_dir.join("index.html").exists() {
        Ok(url_of(listener, "/"))
    } else {
        Err(format!(
            "(not built: run `mdbook build book` or `cargo xtask demo`; expected {})",
            book_dir.display()
        ))
    }
}

/// The page's `urls.js` for the backends (a backend with no URL is left out).
fn page_urls(
    functions_url: &str,
    containers_url: &str,
    all_routes_url: &str,
    web_adapter_url: Option<&str>,
    (http_api_url, function_url): (&str, &str),
) -> Arc<str> {
    let mut backends = vec![
        BackendUrl {
            key: "FunctionsURL".into(),
            url: functions_url.to_owned(),
            description:
                "Lambda functions behind API Gateway (locally: chapter 3's local API Gateway)"
                    .into(),
        },
        BackendUrl {
            key: "ContainersURL".into(),
            url: containers_url.to_owned(),
            description: "The hyper server behind a load balancer (locally: chapter 4's server)"
                .into(),
        },
        BackendUrl {
            key: ch10_between::URL_OUTPUT.into(),
            url: all_routes_url.to_owned(),
            description: "One Lambda function for every route behind API Gateway's {proxy+} (locally: chapter 10's)".into(),
        },
    ];
    if let Some(url) = web_adapter_url {
        backends.push(BackendUrl {
            key: ch10_between::adapter::URL_OUTPUT.into(),
            url: url.to_owned(),
            description: "The container's server on Lambda through the Lambda Web Adapter, behind API Gateway's {proxy+} (locally: chapter 10's)".into(),
        });
    }
    backends.push(BackendUrl {
        key: HTTP_API_OUTPUT.into(),
        url: http_api_url.to_owned(),
        description: "The four Lambda functions behind an API Gateway HTTP API (locally: chapter 3's local gateway as an HTTP API)".into(),
    });
    backends.push(BackendUrl {
        key: FUNCTION_URL_OUTPUT.into(),
        url: function_url.to_owned(),
        description: "One Lambda function for every route behind its own function URL (locally: chapter 10's)".into(),
    });
    urls_js(&backends).into()
}

/// The page's own headers: it may call exactly the backends, and its types are never guessed.
fn page_headers(backend_urls: &[&str]) -> Result<Vec<(HeaderName, HeaderValue)>> {
    Ok(vec![
        (
            HeaderName::from_static("content-security-policy"),
            HeaderValue::try_from(content_security_policy(backend_urls))
                .context("a backend URL cannot go in a header")?,
        ),
        (
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ),
    ])
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("local-demo: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Where each part of the demo listens: a backend given by URL gets no listener here.
struct Listeners {
    functions: Option<TcpListener>,
    containers: Option<TcpListener>,
    all_routes: Option<TcpListener>,
    web_adapter: Option<TcpListener>,
    http_api: Option<TcpListener>,
    all_routes_function: Option<TcpListener>,
    demo: TcpListener,
    book: TcpListener,
}

impl Listeners {
    /// Every port first, so that one in use fails at once with a clear message.
    async fn bind_all(args: &Args) -> Result<Self> {
        let functions = match &args.functions_url {
            None => Some(bind(args.functions_port, "functions").await?),
            Some(_) => None,
        };
        let containers = match &args.containers_url {
            None => Some(bind(args.containers_port, "containers").await?),
            Some(_) => None,
        };
        let all_routes = match &args.all_routes_url {
            None => Some(bind(args.all_routes_port, "all-routes").await?),
            Some(_) => None,
        };
        let web_adapter = match &args.web_adapter_url {
            None => Some(bind(args.web_adapter_port, "web-adapter").await?),
            Some(_) => None,
        };
        let http_api = match &args.http_api_url {
            None => Some(bind(args.http_api_port, "http-api").await?),
            Some(_) => None,
        };
        let all_routes_function = match &args.all_routes_function_url {
            None => Some(bind(args.all_routes_function_port, "all-routes-function").await?),
            Some(_) => None,
        };
        Ok(Self {
            functions,
            containers,
            all_routes,
            web_adapter,
            http_api,
            all_routes_function,
            demo: bind(args.demo_port, "demo").await?,
            book: bind(args.book_port, "book").await?,
        })
    }
}

/// Chapter 10's adapter shape: started here, given by URL, or left out (and why).
enum WebAdapter {
    Started(TcpListener, Arc<ch10_between::adapter::Environment>),
    Given,
    NotStarted(String),
}

/// Tells every server to stop, and lets each wait for that.
struct Stop {
    sender: watch::Sender<bool>,
}

impl Stop {
    fn new() -> Self {
        Self {
            sender: watch::Sender::new(false),
        }
    }

    /// Resolves once [`Stop::now`] has been called.
    fn signalled(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut stopped = self.sender.subscribe();
        async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        }
    }

    fn now(&self) {
        self.sender.send_replace(true);
    }
}

/// Chapter 4's own timeouts, and a short grace: locally nothing waits on us.
const IDLE: Duration = Duration::from_secs(ch04_container::config::DEFAULT_IDLE_TIMEOUT_SECS);
const GRACE: Duration = Duration::from_secs(5);

// ANCHOR: backends
/// The backends on one store: the functions behind chapter 3's local API Gateway with the
/// stack's limits (as a REST API, and as an HTTP API), the container's router behind chapter 4's
/// server, and chapter 10's one function behind a local API Gateway's `{proxy+}` and behind its
/// own function URL, with the same limits.
fn spawn_backends(
    servers: &mut JoinSet<()>,
    listeners: Backends,
    store: &Arc<dyn PostStore>,
    stop: &Stop,
) {
    let one_function = || {
        ch10_between::backend(App {
            blog: Blog::new(Arc::clone(store)),
            body_timeout: ch10_between::BODY_TIMEOUT,
        })
    };
    let gateways = [
        (
            listeners.functions,
            Backend::PerEndpoint(Blog::new(Arc::clone(store))),
            Door::RestApi,
        ),
        (
            listeners.http_api,
            Backend::PerEndpoint(Blog::new(Arc::clone(store))),
            Door::HttpApi,
        ),
        (listeners.all_routes, one_function(), Door::RestApi),
        (
            listeners.all_routes_function,
            one_function(),
            Door::FunctionUrl,
        ),
    ];
    for (listener, backend, door) in gateways {
        spawn_gateway(servers, listener, backend, door, stop);
    }
    if let Some(listener) = listeners.containers {
        let app = Arc::new(App {
            blog: Blog::new(Arc::clone(store)),
            body_timeout: Duration::from_secs(ch04_container::config::DEFAULT_BODY_TIMEOUT_SECS),
        });
        servers.spawn(serve(listener, app, IDLE, GRACE, stop.signalled()));
    }
}

/// The listeners of the backends this process runs in-process (a backend given by URL has none).
struct Backends {
    functions: Option<TcpListener>,
    http_api: Option<TcpListener>,
    containers: Option<TcpListener>,
    all_routes: Option<TcpListener>,
    all_routes_function: Option<TcpListener>,
}

/// Serves `backend` behind a local gateway for `door`, with the stack's limits, on `listener`.
fn spawn_gateway(
    servers: &mut JoinSet<()>,
    listener: Option<TcpListener>,
    backend: Backend,
    door: Door,
    stop: &Stop,
) {
    let Some(listener) = listener else {
        return;
    };
    let limits = ch06_infrastructure::settings::local_gateway_limits_for(door);
    let gateway = Arc::new(
        LocalApiGateway::for_backend(backend)
            .with_limits(limits)
            .with_door(door),
    );
    let shutdown = stop.signalled();
    servers.spawn(async move {
        let _ = gateway.serve(listener, shutdown).await;
    });
}
// ANCHOR_END: backends

async fn run(args: Args) -> Result<()> {
    let mut listeners = Listeners::bind_all(&args).await?;
    // Chosen, never guessed: `--store` or `BLOG_STORE`, else memory, as for the functions and the
    // server.
    let choice = args.store.unwrap_or_default();
    let store = shared_store(choice).await?;

    let functions_url = backend_url(
        listeners.functions.as_ref(),
        &args.functions_url,
        &format!("/{STAGE}/"),
    );
    let containers_url = backend_url(listeners.containers.as_ref(), &args.containers_url, "/");
    let all_routes_url = backend_url(
        listeners.all_routes.as_ref(),
        &args.all_routes_url,
        &format!("/{STAGE}/"),
    );
    let http_api_url = backend_url(listeners.http_api.as_ref(), &args.http_api_url, "/");
    let function_url = backend_url(
        listeners.all_routes_function.as_ref(),
        &args.all_routes_function_url,
        "/",
    );
    // The adapter runs as a process of its own; without its binary, this backend is left out.
    let web_adapter = match listeners.web_adapter.take() {
        Some(listener) => {
            let app = App {
                blog: Blog::new(Arc::clone(&store)),
                body_timeout: ch10_between::BODY_TIMEOUT,
            };
            match ch10_between::adapter::Environment::start(app).await {
                Ok(environment) => WebAdapter::Started(listener, Arc::new(environment)),
                Err(err) => WebAdapter::NotStarted(format!("(not started: {err:#})")),
            }
        }
        None => WebAdapter::Given,
    };
    let web_adapter_url = match &web_adapter {
        WebAdapter::Started(listener, _) => Ok(url_of(listener, &format!("/{STAGE}/"))),
        WebAdapter::Given => Ok(args.web_adapter_url.clone().unwrap_or_default()),
        WebAdapter::NotStarted(why) => Err(why.clone()),
    };
    let demo_url = url_of(&listeners.demo, "/");

    let stop = Stop::new();
    let mut servers = JoinSet::new();
    if let WebAdapter::Started(listener, environment) = web_adapter {
        let backend = ch10_between::adapter::backend(environment);
        spawn_gateway(&mut servers, Some(listener), backend, Door::RestApi, &stop);
    }
    let backends = Backends {
        functions: listeners.functions,
        http_api: listeners.http_api,
        containers: listeners.containers,
        all_routes: listeners.all_routes,
        all_routes_function: listeners.all_routes_function,
    };
    spawn_backends(&mut servers, backends, &store, &stop);
    servers.spawn(serve_service(
        listeners.demo,
        static_site(
            args.html_dir.clone(),
            Some(page_urls(
                &functions_url,
                &containers_url,
                &all_routes_url,
                web_adapter_url.as_deref().ok(),
                (&http_api_url, &function_url),
            )),
            page_headers(&[
                &functions_url,
                &containers_url,
                &all_routes_url,
                web_adapter_url.as_deref().unwrap_or_default(),
                &http_api_url,
                &function_url,
            ])?,
        ),
        IDLE,
        GRACE,
        stop.signalled(),
    ));
    let book_url = match book_url(&listeners.book, &args.book_dir) {
        Ok(url) => {
            let site = static_site(args.book_dir.clone(), None, Vec::new());
            servers.spawn(serve_service(
                listeners.book,
                site,
                IDLE,
                GRACE,
                stop.signalled(),
            ));
            url
        }
        Err(not_built) => not_built,
    };

    // Ready for Ctrl-C before saying so (see `shutdown_signal`).
    let stop_requested = shutdown_signal();
    let announced = [
        ("FunctionsURL", functions_url.as_str()),
        ("ContainersURL", &containers_url),
        (ch10_between::URL_OUTPUT, &all_routes_url),
        (
            ch10_between::adapter::URL_OUTPUT,
            web_adapter_url.as_ref().unwrap_or_else(|why| why),
        ),
        (HTTP_API_OUTPUT, &http_api_url),
        (FUNCTION_URL_OUTPUT, &function_url),
        ("Demo", &demo_url),
        ("Book", &book_url),
    ];
    print!("{}", startup_lines(choice, &announced));

    stop_requested.await;
    stop.now();
    while servers.join_next().await.is_some() {}
    println!("stopped");
    Ok(())
}
