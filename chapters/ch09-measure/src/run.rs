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
use ch03_functions::local_gateway::Door;
use ch03_functions::local_gateway::event::{Caller, greedy_proxy_event, proxy_event};
use ch06_infrastructure::prices::{
    API_GATEWAY_HTTP_REQUEST, API_GATEWAY_REST_REQUEST, FUNCTION_URL_REQUEST,
};
use ch10_between::web_adapter::{
    ADAPTER_FUNCTION_NAME, EXTENSION_NAME, SERVER_PORT_VARIABLE, adapter_settings,
};
use serde::{Deserialize, Serialize};

use crate::backing::Backing;
use crate::container::{Load, Pressure, Route, Server, load, post_script, start_to_health};
use crate::cost::{self, Workload};
use crate::cpu_share::{CpuQuota, InitCpu, MEMORY_SIZES_MB, cpu_share, effective_share};
use crate::entropy::first_random;
use crate::functions::{Cpu, Extension, Function, FunctionResult, measure, measured};
use ch02_dynamodb::CONNECT_AT_INIT_ENV;
use ch02_dynamodb::trust::{AMAZON_TRUST_SERVICES, CA_BUNDLE_ENV};

use crate::keepalive::{Connections, KeepAliveFront};
use crate::machine::{Machine, version_of};
use crate::stats::Summary;
use crate::tls::LocalCa;

/// What to measure, and where the binaries are.
#[derive(Debug, Clone)]
pub struct Options {
    pub bin_dir: PathBuf,
    pub package_dir: PathBuf,
    pub quick: bool,
    /// The Lambda Web Adapter built for this machine, which runs chapter 10's second shape.
    pub adapter: PathBuf,
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
    fn pressure(&self, connections: u32) -> Pressure {
        Pressure {
            connections,
            seconds: self.load_seconds(),
        }
    }
    /// The memory sizes of the curve: every one, or in a quick run only the stack's.
    fn memory_sizes(&self) -> &'static [u32] {
        if self.quick {
            &MEMORY_SIZES_MB[..1]
        } else {
            &MEMORY_SIZES_MB
        }
    }
    /// At 7% of a CPU a cold start takes most of a second: fewer of them per size.
    fn curve_cold_starts(&self) -> usize {
        if self.quick { 2 } else { 20 }
    }
    fn curve_warm(&self) -> usize {
        if self.quick { 3 } else { 100 }
    }
    fn binary(&self, name: &str) -> PathBuf {
        self.bin_dir.join(name)
    }
}

/// Everything one run measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    pub machine: Machine,
    pub tools: Vec<(String, String)>,
    pub quick: bool,
    pub functions: Vec<FunctionResult>,
    pub hello_function: FunctionResult,
    /// `get-post` at each memory size's CPU share.
    pub memory_curve: Vec<SizePoint>,
    pub container: ContainerResults,
    pub sizes: Sizes,
    pub cost: CostResults,
}

/// One memory size of the curve: `get-post` on DynamoDB (TLS) at that size's share of a CPU,
/// with init at the share and with init at full CPU, its connection opened during init (as it
/// ships) and by the first call; and what Lambda charges at that size.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SizePoint {
    pub memory_mb: u32,
    pub cpu_share: f64,
    /// The share the kernel really gave, measured with CPU-bound work.
    pub effective_share: f64,
    pub init_at_share: FunctionResult,
    pub init_at_full_cpu: FunctionResult,
    pub first_call_connects_init_at_share: FunctionResult,
    pub first_call_connects_init_at_full_cpu: FunctionResult,
    /// A process's first random bytes from AWS-LC, at the share.
    pub first_random_ms: Summary,
    /// Lambda's price of a million invocations as long as the warm p50, at this size.
    pub per_million_warm: f64,
    /// Lambda's price of a million cold starts (init and the first call are both billed) with
    /// init at the share.
    pub per_million_cold: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContainerResults {
    pub start_to_health_ms: Summary,
    pub loads: Vec<Load>,
    pub hello: Load,
    /// `GET /blog/{id}` on the memory store, as a share of the hello-world server's throughput:
    /// the median of the rounds' ratios.
    pub ratio_to_hello: f64,
    pub ratio_rounds: Vec<RatioRound>,
}

/// One round of the ceiling: our server's requests per second, then the hello-world server's.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct RatioRound {
    pub ours_rps: f64,
    pub hello_rps: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sizes {
    pub functions: Vec<FunctionSize>,
    /// The layers: the Lambda Web Adapter's.
    pub layers: Vec<FunctionSize>,
    pub server_binary_bytes: u64,
    pub image_bytes: Option<u64>,
}

/// One function as chapter 6 packages it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FunctionSize {
    pub name: String,
    pub zip_bytes: u64,
    pub binary_bytes: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CostResults {
    pub workload: Workload,
    pub crossover_rest_rps: Option<f64>,
    pub crossover_http_api_rps: Option<f64>,
    /// Chapter 10's two shapes, each behind a REST API like the four functions and behind its
    /// own function URL.
    pub shapes: Vec<ShapeCost>,
    pub curve: Vec<CostPoint>,
}

/// One of chapter 10's shapes in the cost model: the four functions' workload, with the
/// difference this run measured between its warm call and `get-post`'s added to each call.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShapeCost {
    pub name: String,
    /// Its front door's name (`REST API`, `function URL`).
    pub door: String,
    pub function_ms: f64,
    pub crossover_rps: Option<f64>,
}

/// Each variant's monthly bill at one steady rate of requests.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CostPoint {
    pub requests_per_second: f64,
    pub functions_rest: f64,
    pub functions_http_api: f64,
    /// Each of [`CostResults::shapes`], in its order.
    pub shapes: Vec<f64>,
    pub containers: f64,
}

/// The environment of each way the programs are measured: `BLOG_STORE` and, for DynamoDB, the
/// table, the endpoint and the roots the client trusts.
struct Environments {
    memory: Env,
    /// The seeded table every read measures, over TLS as on AWS.
    dynamodb: Env,
    /// The same table straight to moto: plain HTTP, and a new connection for every call.
    dynamodb_plain: Env,
    /// A table with a post for every delete.
    to_delete: Env,
    /// A seeded table of the server's own, over TLS.
    server: Env,
    /// The server's table straight to moto.
    server_plain: Env,
    /// The seeded table over TLS, trusting the system's bundle of every root instead of Amazon
    /// Trust Services' (an experiment: what reading the bundle costs init).
    dynamodb_system_bundle: Env,
    /// The seeded table over TLS, the connection left to the first call.
    dynamodb_first_call: Env,
    /// The connections the TLS endpoint has accepted.
    connections: Connections,
}

type Env = Vec<(String, String)>;

/// DynamoDB's side of the measurements: moto, and in front of it an endpoint that speaks TLS
/// and keeps connections open, as DynamoDB's does.
struct Store {
    moto: LocalDynamo,
    front: KeepAliveFront,
    /// Amazon Trust Services' roots, which the client compiles in, with the harness's root
    /// added: a function trusts the endpoint as it trusts DynamoDB's, and reads as many roots.
    bundle: PathBuf,
    /// The system's bundle with the harness's root added.
    system_bundle: PathBuf,
}

impl Store {
    fn start() -> Result<Self> {
        let moto = LocalDynamo::start().context("start moto_server")?;
        let ca = LocalCa::new()?;
        let dir = std::env::temp_dir().join(format!("bench-roots-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let bundle = dir.join("amazon-trust-services-and-measurements-root.pem");
        std::fs::write(&bundle, AMAZON_TRUST_SERVICES.to_owned() + &ca.root_pem)?;
        let system = std::fs::read_to_string(SYSTEM_BUNDLE)
            .with_context(|| format!("{SYSTEM_BUNDLE}: install Debian's ca-certificates"))?;
        let system_bundle = dir.join("system-bundle-and-measurements-root.pem");
        std::fs::write(&system_bundle, system + &ca.root_pem)?;
        let moto_address: std::net::SocketAddr = moto
            .endpoint()
            .trim_start_matches("http://")
            .parse()
            .context("moto's address")?;
        let front = KeepAliveFront::start(moto_address, Some(&ca))?;
        Ok(Self {
            moto,
            front,
            bundle,
            system_bundle,
        })
    }

    /// The environment for `table`: through the TLS front, or straight to moto.
    fn env(&self, table: &str, via: Via) -> Env {
        let mut env = vec![
            ("BLOG_STORE".to_owned(), "dynamodb".to_owned()),
            ("TABLE_NAME".to_owned(), table.to_owned()),
        ];
        env.extend(
            self.moto
                .aws_env()
                .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        // The experiments leave the connection to the first call, as the row they are compared
        // with does: each then differs from it in one thing only.
        let at_first_call = (CONNECT_AT_INIT_ENV.to_owned(), "false".to_owned());
        let bundle = match via {
            Via::Plain => {
                env.push(at_first_call);
                return env;
            }
            Via::Tls => &self.bundle,
            Via::TlsTrustingTheSystemBundle => {
                env.push(at_first_call);
                &self.system_bundle
            }
            Via::TlsConnectingAtTheFirstCall => {
                env.push(at_first_call);
                &self.bundle
            }
        };
        env.retain(|(name, _)| name != "AWS_ENDPOINT_URL_DYNAMODB");
        env.push((
            "AWS_ENDPOINT_URL_DYNAMODB".to_owned(),
            self.front.url.clone(),
        ));
        env.push((CA_BUNDLE_ENV.to_owned(), bundle.display().to_string()));
        env
    }
}

/// How a measured program reaches moto.
#[derive(Debug, Clone, Copy)]
enum Via {
    /// Straight: plain HTTP, a new connection for every call (the first one by the first call).
    Plain,
    /// Through the TLS front, trusting Amazon Trust Services' roots and the harness's.
    Tls,
    /// Through the TLS front, trusting the system's bundle and the harness's root, the
    /// connection left to the first call.
    TlsTrustingTheSystemBundle,
    /// [`Via::Tls`], with the connection opened by the first call instead of during init.
    TlsConnectingAtTheFirstCall,
}

/// The system's bundle of every CA root, as Debian keeps it.
const SYSTEM_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

impl Environments {
    async fn seed(store: &Store, options: &Options) -> Result<Self> {
        // Every table holds the post `bench` and 19 more, so the lists read a full page; the
        // deletes get a table of their own with a post for each of them (moto's query slows down
        // as a feed grows, which would say something about moto, not about our code).
        let to_delete = options.cold_starts() + options.warm() + 5;
        let measured = seed_table(&store.moto, "Measured", 0).await?;
        let deleted = seed_table(&store.moto, "ToDelete", to_delete).await?;
        let server = seed_table(&store.moto, "MeasuredServer", 0).await?;
        Ok(Self {
            memory: vec![("BLOG_STORE".to_owned(), "memory".to_owned())],
            dynamodb: store.env(&measured, Via::Tls),
            dynamodb_plain: store.env(&measured, Via::Plain),
            to_delete: store.env(&deleted, Via::Tls),
            server: store.env(&server, Via::Tls),
            server_plain: store.env(&server, Via::Plain),
            dynamodb_system_bundle: store.env(&measured, Via::TlsTrustingTheSystemBundle),
            dynamodb_first_call: store.env(&measured, Via::TlsConnectingAtTheFirstCall),
            connections: store.front.connections.clone(),
        })
    }
}

pub async fn run(options: &Options) -> Result<Results> {
    let machine = Machine::probe();
    println!("measuring on {} ({} cores)", machine.cpu, machine.cores);
    let store = Store::start()?;
    let envs = Environments::seed(&store, options).await?;
    println!(
        "the functions and the floor, {} cold starts each, in turn...",
        options.cold_starts()
    );
    let mut functions = measure(
        &functions_to_measure(options, &envs)?,
        options.cold_starts(),
        options.warm(),
    )
    .await?;
    let hello_function = functions.pop().expect("the floor was measured");
    println!(
        "get-post at each memory size's CPU share, {} cold starts each...",
        options.curve_cold_starts()
    );
    let memory_curve = measure_memory_curve(options, &envs).await?;

    println!("the server...");
    let container = measure_container(options, &envs)?;
    let sizes = sizes(options)?;
    let cost = cost_results(&container, &functions);
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
        memory_curve,
        container,
        sizes,
        cost,
    })
}

/// The functions on DynamoDB (moto behind TLS, seeded: every measured call answers 2xx),
/// get-posts on the memory store too (to see what the DynamoDB client adds to init), get-post
/// with plain HTTP (to see what the handshake adds to the first call) and trusting the system's
/// bundle (to see what reading it adds to init), and last the floor, in the same rounds.
fn functions_to_measure(options: &Options, envs: &Environments) -> Result<Vec<Function>> {
    let function = |name: &str, store: Backing, env: &Env| Function {
        name: name.to_owned(),
        store,
        binary: options.binary(name),
        env: env.clone(),
        event: event_for(name),
        cpu: Cpu::Full,
        connections: match store {
            Backing::None | Backing::Memory | Backing::MemoryAccessLog | Backing::DynamodbPlain => {
                None
            }
            _ => Some(envs.connections.clone()),
        },
        extension: None,
    };
    // Chapter 10's second shape: the container's server, run by the Lambda Web Adapter, which
    // polls it on a port of its own.
    let port = ch02_dynamodb::local::free_port()?;
    let mut adapter_env = envs.dynamodb.clone();
    adapter_env.push((SERVER_PORT_VARIABLE.to_owned(), port.to_string()));
    adapter_env.extend(
        adapter_settings(port)
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value)),
    );
    let web_adapter = Function {
        binary: options.binary("blog-server"),
        extension: Some(Extension {
            name: EXTENSION_NAME.to_owned(),
            binary: options.adapter.clone(),
        }),
        ..function(ADAPTER_FUNCTION_NAME, Backing::Dynamodb, &adapter_env)
    };
    Ok(vec![
        function("get-posts", Backing::Memory, &envs.memory),
        function("get-posts", Backing::Dynamodb, &envs.dynamodb),
        function("get-post", Backing::Dynamodb, &envs.dynamodb),
        function("create-post", Backing::Dynamodb, &envs.dynamodb),
        function("delete-post", Backing::Dynamodb, &envs.to_delete),
        function(
            "get-post",
            Backing::DynamodbConnectAtFirstCall,
            &envs.dynamodb_first_call,
        ),
        function("get-post", Backing::DynamodbPlain, &envs.dynamodb_plain),
        function(
            "get-post",
            Backing::DynamodbSystemBundle,
            &envs.dynamodb_system_bundle,
        ),
        // Chapter 10's one function for every route, read through its `{proxy+}`.
        function("all-routes", Backing::Dynamodb, &envs.dynamodb),
        function(
            "all-routes",
            Backing::DynamodbConnectAtFirstCall,
            &envs.dynamodb_first_call,
        ),
        web_adapter,
        function("hello-function", Backing::None, &Vec::new()),
    ])
}

/// `get-post` at each memory size's share of a CPU, init at the share and init at full CPU
/// taking turns, and the price of each size through the cost model.
async fn measure_memory_curve(options: &Options, envs: &Environments) -> Result<Vec<SizePoint>> {
    let mut functions = Vec::new();
    let mut effective = Vec::new();
    let mut random = Vec::new();
    for &memory_mb in options.memory_sizes() {
        let quota = Arc::new(CpuQuota::for_memory(memory_mb)?);
        effective.push(effective_share(&quota).await?);
        let probe = options.binary("first-random");
        random.push(first_random(&probe, Some(&quota), options.curve_cold_starts()).await?);
        for (env, init) in CURVE_VARIANTS.map(|(first_call, init)| {
            let env = match first_call {
                false => &envs.dynamodb,
                true => &envs.dynamodb_first_call,
            };
            (env, init)
        }) {
            functions.push(Function {
                name: "get-post".to_owned(),
                store: Backing::Dynamodb,
                binary: options.binary("get-post"),
                env: env.clone(),
                event: event_for("get-post"),
                cpu: Cpu::Share {
                    quota: Arc::clone(&quota),
                    init,
                },
                connections: Some(envs.connections.clone()),
                extension: None,
            });
        }
    }
    let results = measure(
        &functions,
        options.curve_cold_starts(),
        options.curve_warm(),
    )
    .await?;
    drop(functions);
    let mut points = Vec::new();
    for (((measured, &memory_mb), effective_share), first_random_ms) in results
        .chunks(CURVE_VARIANTS.len())
        .zip(options.memory_sizes())
        .zip(effective)
        .zip(random)
    {
        let [at_share, at_full, first_call_at_share, first_call_at_full] = measured else {
            bail!("{} results per size", CURVE_VARIANTS.len());
        };
        points.push(SizePoint {
            memory_mb,
            cpu_share: cpu_share(memory_mb),
            effective_share,
            per_million_warm: cost::lambda_per_million(at_share.warm_ms.p50, memory_mb),
            per_million_cold: cost::lambda_per_million(at_share.init_and_first_ms.p50, memory_mb),
            init_at_share: at_share.clone(),
            init_at_full_cpu: at_full.clone(),
            first_call_connects_init_at_share: first_call_at_share.clone(),
            first_call_connects_init_at_full_cpu: first_call_at_full.clone(),
            first_random_ms,
        });
    }
    Ok(points)
}

/// What the curve measures at each size, in turn: whether the first call opens the connection
/// (instead of init), and the CPU init gets.
const CURVE_VARIANTS: [(bool, InitCpu); 4] = [
    (false, InitCpu::Share),
    (false, InitCpu::Full),
    (true, InitCpu::Share),
    (true, InitCpu::Full),
];

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
        // The one function and the web adapter read `GET /blog/bench` from the event of their
        // `{proxy+}` resource.
        "all-routes" | ADAPTER_FUNCTION_NAME => Box::new(move |_| {
            let request = Request::builder()
                .method("GET")
                .uri(format!("/{STAGE}/blog/bench"))
                .body(Bytes::new())
                .expect("a valid request");
            let caller = Caller {
                source_ip: "198.51.100.7",
                request_id: "measured",
            };
            let event =
                greedy_proxy_event(&request, STAGE, &caller).expect("a path below the stage");
            Bytes::from(serde_json::to_vec(&event).expect("an event is JSON"))
        }),
        // The floor's handler reads nothing of its event.
        "hello-function" => Box::new(|_| Bytes::from_static(b"{}")),
        other => panic!("no event for {other}"),
    }
}

const READ: &str = "GET /blog/{id}";

fn measure_container(options: &Options, envs: &Environments) -> Result<ContainerResults> {
    let server_binary = options.binary("blog-server");
    let start_to_health_ms = start_to_health(&server_binary, &envs.memory, options.cold_starts())?;
    let mut loads = each_route_on_each_store(options, envs)?;
    loads.push(with_the_access_log(options, &envs.memory)?);
    loads.push(plain_http_to_moto(options, &envs.server_plain)?);
    let (rounds, hello) = the_ceiling(options, &envs.memory)?;
    // Each round measures both servers within seconds of each other, so the ratio is taken per
    // round (a busy spell on the machine slows both sides of a round) and the median of those is
    // the figure.
    let mut ratios: Vec<f64> = rounds.iter().map(|r| r.ours_rps / r.hello_rps).collect();
    ratios.sort_by(f64::total_cmp);
    Ok(ContainerResults {
        start_to_health_ms,
        ratio_to_hello: ratios[ratios.len() / 2],
        ratio_rounds: rounds,
        loads,
        hello,
    })
}

/// A read with no script: `GET` of `path`.
fn read(name: &'static str, store: Backing, path: &'static str) -> Route<'static> {
    Route {
        name,
        store,
        path,
        script: None,
    }
}

/// Every route on the memory store and on DynamoDB.
fn each_route_on_each_store(options: &Options, envs: &Environments) -> Result<Vec<Load>> {
    let scripts = std::env::temp_dir().join(format!("bench-{}", std::process::id()));
    std::fs::create_dir_all(&scripts)?;
    let post = post_script(
        &scripts,
        r#"{"title":"Measured","author":"Bench","contents":"Written by the benchmark"}"#,
    )?;
    let mut loads = Vec::new();
    for (store, env) in [
        (Backing::Memory, &envs.memory),
        (Backing::Dynamodb, &envs.server),
    ] {
        // moto answers from one Python process: more connections only queue behind it.
        let connections = match store {
            Backing::Memory => options.connections(),
            _ => options.connections().min(4),
        };
        let server = Server::start(&options.binary("blog-server"), &["--port", "0"], env)?;
        if store == Backing::Memory {
            seed_over_http(&server.url)?;
        }
        for route in [
            read(READ, store, "/blog/bench"),
            read("GET /blog", store, "/blog?limit=20"),
            Route {
                name: "POST /blog",
                store,
                path: "/blog",
                script: Some(post.as_path()),
            },
        ] {
            println!("  {} on {store}...", route.name);
            loads.push(load(&server, route, options.pressure(connections))?);
        }
    }
    Ok(loads)
}

/// The read with the access log on, as a deployment runs (one line per request to standard
/// error; here /dev/null, on Fargate a pipe to the awslogs driver).
fn with_the_access_log(options: &Options, memory_env: &Env) -> Result<Load> {
    let mut logged_env = memory_env.clone();
    logged_env.push(("RUST_LOG".to_owned(), "info".to_owned()));
    let server = Server::start(
        &options.binary("blog-server"),
        &["--port", "0"],
        &logged_env,
    )?;
    seed_over_http(&server.url)?;
    println!("  {READ} on {}...", Backing::MemoryAccessLog);
    load(
        &server,
        read(READ, Backing::MemoryAccessLog, "/blog/bench"),
        options.pressure(options.connections()),
    )
}

/// The read straight to moto: plain HTTP, and a new connection for every call (moto closes each
/// after its answer). Against the TLS row, it shows what DynamoDB's kept connections save the
/// server and what TLS costs it.
fn plain_http_to_moto(options: &Options, plain_env: &Env) -> Result<Load> {
    let server = Server::start(&options.binary("blog-server"), &["--port", "0"], plain_env)?;
    println!("  {READ} on {}...", Backing::DynamodbPlain);
    load(
        &server,
        read(READ, Backing::DynamodbPlain, "/blog/bench"),
        options.pressure(options.connections().min(4)),
    )
}

/// The ceiling: our read against a bare hyper server, in alternating rounds, so that a noisy
/// moment does not decide the ratio. The hello-world server's row is its median round.
fn the_ceiling(options: &Options, memory_env: &Env) -> Result<(Vec<RatioRound>, Load)> {
    let hello_server = Server::start(&options.binary("hello-server"), &["0"], &[])?;
    let ours_server = Server::start(&options.binary("blog-server"), &["--port", "0"], memory_env)?;
    seed_over_http(&ours_server.url)?;
    let pressure = options.pressure(options.connections());
    let mut rounds = Vec::new();
    let mut hellos = Vec::new();
    for _ in 0..options.ratio_rounds() {
        let ours = load(
            &ours_server,
            read(READ, Backing::Memory, "/blog/bench"),
            pressure,
        )?;
        let hello = load(
            &hello_server,
            read("GET / (hello world)", Backing::None, "/"),
            pressure,
        )?;
        rounds.push(RatioRound {
            ours_rps: ours.requests_per_second,
            hello_rps: hello.requests_per_second,
        });
        hellos.push(hello);
    }
    hellos.sort_by(|a, b| a.requests_per_second.total_cmp(&b.requests_per_second));
    let hello = hellos.swap_remove(hellos.len() / 2);
    Ok((rounds, hello))
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
    let artifacts = |key: &str| -> Vec<FunctionSize> {
        manifest[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| FunctionSize {
                name: f["name"].as_str().unwrap_or_default().to_owned(),
                zip_bytes: f["bytes"].as_u64().unwrap_or(0),
                binary_bytes: f["binary_bytes"].as_u64().unwrap_or(0),
            })
            .collect()
    };
    let functions = artifacts("functions");
    let layers = artifacts("layers");
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let image_bytes =
        ch06_infrastructure::image::build(&workspace, &options.package_dir.join("image"))
            .and_then(|_| ch06_infrastructure::image::pushed_bytes(&workspace))
            .map_err(|err| println!("image size not measured: {err}"))
            .ok();
    Ok(Sizes {
        functions,
        layers,
        server_binary_bytes: manifest["server"]["binary_bytes"].as_u64().unwrap_or(0),
        image_bytes,
    })
}

fn cost_results(container: &ContainerResults, functions: &[FunctionResult]) -> CostResults {
    let cpu_ms = container
        .loads
        .iter()
        .find(|l| l.name == READ && l.store == Backing::Dynamodb)
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
    // Chapter 10's shapes: a call takes what a function's does, and what this run measured more
    // (the web adapter's hop to its server) or less.
    let warm = |name: &str| measured(functions, name, Backing::Dynamodb).map(|f| f.warm_ms.p50);
    // Each behind a REST API, and behind its own function URL, which adds no charge of its own.
    let doors = [
        (Door::RestApi, API_GATEWAY_REST_REQUEST.dollars),
        (Door::FunctionUrl, FUNCTION_URL_REQUEST.dollars),
    ];
    let shapes: Vec<(ShapeCost, Workload)> = ["all-routes", ADAPTER_FUNCTION_NAME]
        .into_iter()
        .filter_map(|name| Some((name, warm(name)? - warm("get-post")?)))
        .flat_map(|(name, difference)| {
            doors.map(|(door, per_request)| {
                let workload = Workload {
                    function_ms: (rest.function_ms + difference).max(0.0),
                    api_gateway_per_request: per_request,
                    ..rest
                };
                (
                    ShapeCost {
                        name: name.to_owned(),
                        door: door.name().to_owned(),
                        function_ms: workload.function_ms,
                        crossover_rps: cost::crossover(&workload, 10_000.0),
                    },
                    workload,
                )
            })
        })
        .collect();
    let curve = (0..=60)
        .map(|step| {
            let rps = f64::from(step) * 0.5;
            let at = |base: &Workload| Workload {
                requests_per_second: rps,
                ..*base
            };
            CostPoint {
                requests_per_second: rps,
                functions_rest: cost::functions_monthly(&at(&rest)).total(),
                functions_http_api: cost::functions_monthly(&at(&http_api)).total(),
                shapes: shapes
                    .iter()
                    .map(|(_, workload)| cost::functions_monthly(&at(workload)).total())
                    .collect(),
                containers: cost::containers_monthly(&at(&rest)).total(),
            }
        })
        .collect();
    CostResults {
        workload: rest,
        crossover_rest_rps: cost::crossover(&rest, 10_000.0),
        crossover_http_api_rps: cost::crossover(&http_api, 10_000.0),
        shapes: shapes.into_iter().map(|(shape, _)| shape).collect(),
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
