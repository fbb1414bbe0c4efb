//! One run of every measurement, in the order the book reports them.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use bytes::Bytes;
use ch01_blog_core::http::Request;
use ch01_blog_core::{Blog, BlogPath};
use ch02_dynamodb::local::LocalDynamo;
use ch02_dynamodb::{DynamoStore, create_table};
use ch03_functions::STAGE;
use ch03_functions::local_gateway::event::{Caller, proxy_event};
use ch06_infrastructure::prices::{API_GATEWAY_HTTP_REQUEST, API_GATEWAY_REST_REQUEST};
use serde::Serialize;

use crate::container::{Load, Pressure, Route, Server, load, post_script, start_to_health};
use crate::cost::{self, Workload};
use crate::functions::{Function, FunctionResult, measure};
use crate::keepalive::KeepAliveFront;
use crate::machine::{Machine, version_of};
use crate::stats::Summary;

/// What to measure, and where the binaries are.
#[derive(Debug, Clone)]
pub struct Options {
    pub bin_dir: PathBuf,
    pub package_dir: PathBuf,
    pub quick: bool,
}

impl Options {
    /// Cold starts are cheap (a few milliseconds each), and this many keeps a median steady on a
    /// shared machine.
    fn cold_starts(&self) -> usize {
        if self.quick { 2 } else { 100 }
    }
    fn warm(&self) -> usize {
        if self.quick { 3 } else { 1000 }
    }
    fn load_seconds(&self) -> u32 {
        if self.quick { 1 } else { 5 }
    }
    fn ratio_rounds(&self) -> usize {
        if self.quick { 1 } else { 9 }
    }
    fn connections(&self) -> u32 {
        if self.quick { 4 } else { 32 }
    }
    fn binary(&self, name: &str) -> PathBuf {
        self.bin_dir.join(name)
    }
}

/// Everything one run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub machine: Machine,
    pub tools: Vec<(String, String)>,
    pub quick: bool,
    pub functions: Vec<FunctionResult>,
    pub hello_function: FunctionResult,
    pub container: ContainerResults,
    pub sizes: Sizes,
    pub cost: CostResults,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContainerResults {
    pub start_to_health_ms: Summary,
    pub loads: Vec<Load>,
    pub hello: Load,
    /// `GET /blog/{id}` on the memory store, as a share of the hello-world server's throughput:
    /// the median of the rounds' ratios.
    pub ratio_to_hello: f64,
    /// Each round's requests per second: ours, then the hello-world server's.
    pub ratio_rounds: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Sizes {
    pub functions: Vec<(String, u64, u64)>,
    pub server_binary_bytes: u64,
    pub image_bytes: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CostResults {
    pub workload: Workload,
    pub crossover_rest_rps: Option<f64>,
    pub crossover_http_api_rps: Option<f64>,
    /// (requests per second, functions with a REST API, functions with an HTTP API, containers)
    pub curve: Vec<(f64, f64, f64, f64)>,
}

pub async fn run(options: &Options) -> Result<Results> {
    let machine = Machine::probe();
    println!("measuring on {} ({} cores)", machine.cpu, machine.cores);
    let moto = LocalDynamo::start().context("start moto_server")?;
    // Every table holds the post `bench` and 19 more, so the lists read a full page; the
    // deletes get a table of their own with a post for each of them (moto's query slows down as
    // a feed grows, which would say something about moto, not about our code).
    let read_table = seed_table(&moto, "Measured", 0).await?;
    let delete_table = seed_table(
        &moto,
        "ToDelete",
        options.cold_starts() + options.warm() + 5,
    )
    .await?;
    let dynamodb = |table: &str| {
        let mut env = vec![
            ("BLOG_STORE".to_owned(), "dynamodb".to_owned()),
            ("TABLE_NAME".to_owned(), table.to_owned()),
        ];
        env.extend(moto.aws_env().map(|(k, v)| (k.to_owned(), v.to_owned())));
        env
    };
    let dynamodb_env = dynamodb(&read_table);
    let delete_env = dynamodb(&delete_table);
    let memory_env = vec![("BLOG_STORE".to_owned(), "memory".to_owned())];

    // The functions, on DynamoDB (moto, seeded: every measured call answers 2xx), and get-posts
    // on the memory store too, to see what the DynamoDB client adds to init.
    let function = |name: &str, store: &str, env: &[(String, String)]| Function {
        name: name.to_owned(),
        store: store.to_owned(),
        binary: options.binary(name),
        env: env.to_vec(),
        event: event_for(name),
    };
    // An experiment, not a deployment: get-post with a trust store of one CA root instead of the
    // system's bundle, to show how much of init is loading that bundle.
    anyhow::ensure!(
        Path::new(ONE_ROOT).exists(),
        "{ONE_ROOT} is missing: install Debian's ca-certificates"
    );
    let mut one_root_env = dynamodb_env.clone();
    one_root_env.push(("SSL_CERT_FILE".to_owned(), ONE_ROOT.to_owned()));
    let measured = [
        function("get-posts", "memory", &memory_env),
        function("get-posts", "dynamodb", &dynamodb_env),
        function("get-post", "dynamodb", &dynamodb_env),
        function("create-post", "dynamodb", &dynamodb_env),
        function("delete-post", "dynamodb", &delete_env),
        function("get-post", ONE_ROOT_STORE, &one_root_env),
        // The floor, measured in the same rounds.
        Function {
            name: "hello-function".to_owned(),
            store: "none".to_owned(),
            binary: options.binary("hello-function"),
            env: Vec::new(),
            event: Box::new(|_| Bytes::from_static(b"{}")),
        },
    ];
    println!(
        "the functions and the floor, {} cold starts each, in turn...",
        options.cold_starts()
    );
    let mut functions = measure(&measured, options.cold_starts(), options.warm()).await?;
    let hello_function = functions.pop().expect("the floor was measured");

    println!("the server...");
    let server_table = seed_table(&moto, "MeasuredServer", 0).await?;
    let moto_address: std::net::SocketAddr = moto
        .endpoint()
        .trim_start_matches("http://")
        .parse()
        .context("moto's address")?;
    let container =
        measure_container(options, &memory_env, &dynamodb(&server_table), moto_address)?;
    let sizes = sizes(options)?;
    let cost = cost_results(&container);
    let tools = vec![
        ("wrk".to_owned(), version_of("wrk", "--version")),
        ("moto".to_owned(), moto_version()),
    ];
    Ok(Results {
        machine,
        tools,
        quick: options.quick,
        functions,
        hello_function,
        container,
        sizes,
        cost,
    })
}

/// A table on moto with the post `bench`, 19 more, and `to_delete` posts to delete (`del-0`,
/// `del-1`, ...).
async fn seed_table(moto: &LocalDynamo, table: &str, to_delete: usize) -> Result<String> {
    let client = moto.client();
    create_table(&client, table).await?;
    let blog = Blog::new(Arc::new(DynamoStore::new(client, table)));
    let mut bodies: Vec<String> = (0..20)
        .map(|n| {
            let id = if n == 0 {
                "bench".to_owned()
            } else {
                format!("seed-{n}")
            };
            format!(
                r#"{{"id":"{id}","title":"Measured","author":"Bench","contents":"A post to read"}}"#
            )
        })
        .collect();
    bodies.extend((0..to_delete).map(|n| {
        format!(r#"{{"id":"del-{n}","title":"To delete","author":"Bench","contents":"x"}}"#)
    }));
    for body in bodies {
        let request = ch01_blog_core::ApiRequest {
            method: ch01_blog_core::http::Method::POST,
            content_type: Some("application/json".into()),
            body: body.into_bytes(),
            ..ch01_blog_core::ApiRequest::default()
        };
        let created = blog.create_post(&request).await;
        if created.status.as_u16() != 201 {
            bail!(
                "seeding the table: {}",
                String::from_utf8_lossy(&created.body)
            );
        }
    }
    Ok(table.to_owned())
}

/// The API Gateway event each measured invocation of `function` gets.
fn event_for(function: &str) -> Box<dyn Fn(usize) -> Bytes + Send + Sync> {
    let event = move |method: &str, target: String, body: &'static str, id: Option<String>| {
        let caller = Caller {
            source_ip: "198.51.100.7",
            request_id: "measured",
        };
        let request = Request::builder()
            .method(method)
            .uri(format!("/{STAGE}{target}"))
            .header("content-type", "application/json")
            .body(Bytes::from_static(body.as_bytes()))
            .expect("a valid request");
        let resource = if id.is_some() {
            BlogPath::ITEM
        } else {
            BlogPath::COLLECTION
        };
        let event = proxy_event(&request, STAGE, resource, id.as_deref(), &caller);
        Bytes::from(serde_json::to_vec(&event).expect("an event is JSON"))
    };
    match function {
        "get-posts" => Box::new(move |_| event("GET", "/blog?limit=20".into(), "", None)),
        "get-post" => {
            Box::new(move |_| event("GET", "/blog/bench".into(), "", Some("bench".into())))
        }
        "create-post" => Box::new(move |_| {
            event(
                "POST",
                "/blog".into(),
                r#"{"title":"Measured","author":"Bench","contents":"Written by the benchmark"}"#,
                None,
            )
        }),
        "delete-post" => Box::new(move |n| {
            event(
                "DELETE",
                format!("/blog/del-{n}"),
                "",
                Some(format!("del-{n}")),
            )
        }),
        other => panic!("no event for {other}"),
    }
}

/// The store column of the row measured through [`KeepAliveFront`].
pub const KEPT_ALIVE: &str = "dynamodb, connections kept";

/// The store column of the row measured with the access log on.
pub const ACCESS_LOG: &str = "memory, access log on";

/// The store column of the function measured with one CA root, and that root (Debian's copy of
/// the root that signs AWS's own certificates).
pub const ONE_ROOT_STORE: &str = "dynamodb, one CA root";
pub const ONE_ROOT: &str = "/etc/ssl/certs/Amazon_Root_CA_1.pem";

fn measure_container(
    options: &Options,
    memory_env: &[(String, String)],
    dynamodb_env: &[(String, String)],
    moto: std::net::SocketAddr,
) -> Result<ContainerResults> {
    let server_binary = options.binary("blog-server");
    let start_to_health_ms = start_to_health(&server_binary, memory_env, options.cold_starts())?;
    let scripts = std::env::temp_dir().join(format!("bench-{}", std::process::id()));
    std::fs::create_dir_all(&scripts)?;
    let post = post_script(
        &scripts,
        r#"{"title":"Measured","author":"Bench","contents":"Written by the benchmark"}"#,
    )?;
    let seconds = options.load_seconds();
    let mut loads = Vec::new();
    for (store, env) in [("memory", memory_env), ("dynamodb", dynamodb_env)] {
        // moto answers from one Python process: more connections only queue behind it.
        let connections = match store {
            "memory" => options.connections(),
            _ => options.connections().min(4),
        };
        let server = Server::start(&server_binary, &["--port", "0"], env)?;
        if store == "memory" {
            seed_over_http(&server.url)?;
        }
        for (name, path, script) in [
            ("GET /blog/{id}", "/blog/bench", None),
            ("GET /blog", "/blog?limit=20", None),
            ("POST /blog", "/blog", Some(post.as_path())),
        ] {
            println!("  {name} on {store}...");
            loads.push(load(
                &server,
                Route {
                    name,
                    store,
                    path,
                    script,
                },
                Pressure {
                    connections,
                    seconds,
                },
            )?);
        }
    }
    // The same read with the access log on, as a deployment runs (one line per request to
    // standard error; here /dev/null, on Fargate a pipe to the awslogs driver).
    let mut logged_env = memory_env.to_vec();
    logged_env.push(("RUST_LOG".to_owned(), "info".to_owned()));
    let server = Server::start(&server_binary, &["--port", "0"], &logged_env)?;
    seed_over_http(&server.url)?;
    println!("  GET /blog/{{id}} on memory, access log on...");
    loads.push(load(
        &server,
        Route {
            name: "GET /blog/{id}",
            store: ACCESS_LOG,
            path: "/blog/bench",
            script: None,
        },
        Pressure {
            connections: options.connections(),
            seconds,
        },
    )?);
    drop(server);

    // The same read through a front that keeps the server's connections open, as DynamoDB does:
    // the difference in CPU per request is what opening a connection per call costs the server.
    let front = KeepAliveFront::start(moto)?;
    let kept_env: Vec<(String, String)> = dynamodb_env
        .iter()
        .map(|(name, value)| match name.as_str() {
            "AWS_ENDPOINT_URL_DYNAMODB" => (name.clone(), front.url.clone()),
            _ => (name.clone(), value.clone()),
        })
        .collect();
    let server = Server::start(&server_binary, &["--port", "0"], &kept_env)?;
    println!("  GET /blog/{{id}} on dynamodb, connections kept...");
    loads.push(load(
        &server,
        Route {
            name: "GET /blog/{id}",
            store: KEPT_ALIVE,
            path: "/blog/bench",
            script: None,
        },
        Pressure {
            connections: options.connections().min(4),
            seconds,
        },
    )?);
    drop(server);
    drop(front);

    // The ceiling: our `GET /blog/{id}` against a bare hyper server, in alternating rounds (the
    // median of each), so that a noisy moment does not decide the ratio.
    let hello_server = Server::start(&options.binary("hello-server"), &["0"], &[])?;
    let ours_server = Server::start(&server_binary, &["--port", "0"], memory_env)?;
    seed_over_http(&ours_server.url)?;
    let mut rounds = Vec::new();
    for _ in 0..options.ratio_rounds() {
        let ours = load(
            &ours_server,
            Route {
                name: "GET /blog/{id}",
                store: "memory",
                path: "/blog/bench",
                script: None,
            },
            Pressure {
                connections: options.connections(),
                seconds,
            },
        )?;
        let hello = load(
            &hello_server,
            Route {
                name: "GET / (hello world)",
                store: "none",
                path: "/",
                script: None,
            },
            Pressure {
                connections: options.connections(),
                seconds,
            },
        )?;
        rounds.push((ours, hello));
    }
    let median = |mut runs: Vec<Load>| {
        runs.sort_by(|a, b| a.requests_per_second.total_cmp(&b.requests_per_second));
        runs.swap_remove(runs.len() / 2)
    };
    let hello = median(rounds.iter().map(|(_, hello)| hello.clone()).collect());
    // Each round measures both servers within seconds of each other, so the ratio is taken per
    // round (a busy spell on the machine slows both sides of a round) and the median of those is
    // the figure.
    let mut ratios: Vec<f64> = rounds
        .iter()
        .map(|(ours, hello)| ours.requests_per_second / hello.requests_per_second)
        .collect();
    ratios.sort_by(f64::total_cmp);
    Ok(ContainerResults {
        start_to_health_ms,
        ratio_to_hello: ratios[ratios.len() / 2],
        ratio_rounds: rounds
            .iter()
            .map(|(ours, hello)| (ours.requests_per_second, hello.requests_per_second))
            .collect(),
        loads,
        hello,
    })
}

/// Creates the post `bench` (and 19 more, for the list) on a server with the memory store.
fn seed_over_http(url: &str) -> Result<()> {
    let address = url.trim_start_matches("http://");
    for n in 0..20 {
        let id = if n == 0 {
            "bench".to_owned()
        } else {
            format!("seed-{n}")
        };
        let body = format!(
            r#"{{"id":"{id}","title":"Measured","author":"Bench","contents":"A post to read"}}"#
        );
        let mut stream = std::net::TcpStream::connect(address)?;
        write!(
            stream,
            "POST /blog HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        if !answer.starts_with("HTTP/1.1 201") {
            bail!("seeding the server: {answer}");
        }
    }
    Ok(())
}

fn sizes(options: &Options) -> Result<Sizes> {
    let manifest_path = options.package_dir.join("manifest.json");
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&manifest_path)
            .with_context(|| format!("{}: run `cargo xtask package`", manifest_path.display()))?,
    )?;
    let functions = manifest["functions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["name"].as_str().unwrap_or_default().to_owned(),
                f["bytes"].as_u64().unwrap_or(0),
                f["binary_bytes"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let image_bytes =
        ch06_infrastructure::image::build(&workspace, &options.package_dir.join("image"))
            .and_then(|_| ch06_infrastructure::image::pushed_bytes(&workspace))
            .map_err(|err| println!("image size not measured: {err}"))
            .ok();
    Ok(Sizes {
        functions,
        server_binary_bytes: manifest["server"]["binary_bytes"].as_u64().unwrap_or(0),
        image_bytes,
    })
}

fn cost_results(container: &ContainerResults) -> CostResults {
    let cpu_ms = container
        .loads
        .iter()
        .find(|l| l.name == "GET /blog/{id}" && l.store == "dynamodb")
        .map(|l| l.cpu_us_per_request / 1000.0)
        .unwrap_or(1.0);
    let rest = cost::book_workload(cpu_ms);
    let http_api = Workload {
        api_gateway_per_request: API_GATEWAY_HTTP_REQUEST.dollars,
        ..rest
    };
    debug_assert_eq!(
        rest.api_gateway_per_request,
        API_GATEWAY_REST_REQUEST.dollars
    );
    let curve = (0..=60)
        .map(|step| {
            let rps = f64::from(step) * 0.5;
            let at = |base: &Workload| Workload {
                requests_per_second: rps,
                ..*base
            };
            (
                rps,
                cost::functions_monthly(&at(&rest)).total(),
                cost::functions_monthly(&at(&http_api)).total(),
                cost::containers_monthly(&at(&rest)).total(),
            )
        })
        .collect();
    CostResults {
        workload: rest,
        crossover_rest_rps: cost::crossover(&rest, 10_000.0),
        crossover_http_api_rps: cost::crossover(&http_api, 10_000.0),
        curve,
    }
}

fn moto_version() -> String {
    let python = std::env::var_os("MOTO_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python3"));
    std::process::Command::new(python)
        .args(["-c", "import moto; print(moto.__version__)"])
        .output()
        .ok()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned())
}
