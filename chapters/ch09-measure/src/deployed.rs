//! `cargo xtask bench -- --deployed`: the latency of your own deployment, measured from your
//! machine. It reads where the stack went (`html/deployment.json`) and its URLs (the outputs
//! `cargo xtask deploy` saved), says what it will send and what that costs, and then, for every
//! deployed variant, creates one post, reads it a number of times one after another and as many
//! times again a few at once, and deletes it. Every answer is counted; the reads' latency is
//! summarized per variant.
//!
//! What it refuses, each with one line that says why: no recorded deployment, a shell pointed at
//! another region than the stack's, and more requests than the budget allows.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, Result, bail};
use bytes::Bytes;
use ch06_infrastructure::prices::{
    API_GATEWAY_HTTP_REQUEST, API_GATEWAY_REST_REQUEST, DYNAMODB_READ_REQUEST,
    DYNAMODB_WRITE_REQUEST, FUNCTION_URL_REQUEST,
};
use ch06_infrastructure::settings::FUNCTION_MEMORY_MB;
use http_body_util::{BodyExt as _, Full};
use hyper::{Method, Request};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;

use crate::cost::lambda_per_million;
use crate::stats::percentile;

/// Where the stack went, as `cargo xtask deploy` recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub stack: String,
    pub account: String,
    pub region: String,
}

/// The front door of a deployed variant: what each request through it costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Door {
    RestApi,
    HttpApi,
    FunctionUrl,
    LoadBalancer,
}

impl Door {
    /// The door of each output `cargo xtask deploy` reads.
    pub fn of_output(key: &str) -> Option<Self> {
        match key {
            "FunctionsURL" | "AllRoutesURL" | "WebAdapterURL" => Some(Self::RestApi),
            "HttpApiURL" => Some(Self::HttpApi),
            "AllRoutesFunctionURL" => Some(Self::FunctionUrl),
            "ContainersURL" => Some(Self::LoadBalancer),
            _ => None,
        }
    }

    /// The dollars of one request through this door, beyond the table's: the gateway's price,
    /// and Lambda's request and duration (at `function_ms`) behind every door but the load
    /// balancer's (whose capacity units a short run does not move).
    pub fn dollars_per_request(self, function_ms: f64) -> f64 {
        let lambda = lambda_per_million(function_ms, FUNCTION_MEMORY_MB) / 1e6;
        match self {
            Self::RestApi => API_GATEWAY_REST_REQUEST.dollars + lambda,
            Self::HttpApi => API_GATEWAY_HTTP_REQUEST.dollars + lambda,
            Self::FunctionUrl => FUNCTION_URL_REQUEST.dollars + lambda,
            Self::LoadBalancer => 0.0,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::RestApi => "REST API",
            Self::HttpApi => "HTTP API",
            Self::FunctionUrl => "function URL",
            Self::LoadBalancer => "load balancer",
        }
    }
}

/// One deployed variant to measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The stack output it comes from (`FunctionsURL`, ...).
    pub key: String,
    /// Its base URL, ending in `/`: the posts are at `blog` under it.
    pub url: String,
    pub door: Door,
}

/// How much to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Reads per variant one after another, and as many again `concurrency` at a time.
    pub reads: usize,
    pub concurrency: usize,
    /// Forced cold starts of each function of [`crate::cold_on_aws::COLD_FUNCTIONS`] (0: none).
    pub cold_starts: usize,
    /// New deployments of the container's service, each timed to its new task's healthy target
    /// (0: none).
    pub task_starts: usize,
    /// The most requests the run may send in all.
    pub max_requests: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            reads: 100,
            concurrency: 4,
            cold_starts: 20,
            task_starts: 3,
            max_requests: 2_000,
        }
    }
}

/// What a run will do.
#[derive(Debug, Clone)]
pub struct Plan {
    pub recorded: Recorded,
    pub targets: Vec<Target>,
    pub options: Options,
}

/// The duration the cost of a run assumes for a function call, as chapter 9's cost model does.
pub const ASSUMED_FUNCTION_MS: f64 = 10.0;

// ANCHOR: plan
/// The plan for the recorded deployment `recorded` (`None`: nothing was deployed), whose outputs
/// are `urls` (output key, URL), from a shell whose region is `shell_region`; or why not.
pub fn plan(
    recorded: Option<Recorded>,
    urls: Vec<(String, String)>,
    shell_region: Option<&str>,
    options: Options,
) -> Result<Plan> {
    let Some(recorded) = recorded else {
        bail!(
            "no deployment is recorded (html/deployment.json): deploy first, with `cargo xtask deploy`"
        );
    };
    if let Some(region) = shell_region.filter(|region| *region != recorded.region) {
        bail!(
            "the stack {} is in {}, and your shell's region is {region}: run with AWS_REGION={}",
            recorded.stack,
            recorded.region,
            recorded.region
        );
    }
    let targets: Vec<Target> = urls
        .into_iter()
        .filter_map(|(key, url)| {
            let door = Door::of_output(&key)?;
            let url = if url.ends_with('/') {
                url
            } else {
                format!("{url}/")
            };
            Some(Target { key, url, door })
        })
        .collect();
    if targets.is_empty() {
        bail!(
            "the deployment's outputs name no variant to measure: deploy again, with `cargo xtask deploy`"
        );
    }
    let plan = Plan {
        recorded,
        targets,
        options,
    };
    if plan.requests() > options.max_requests {
        bail!(
            "this run would send {} requests, above the budget of {}: raise it with --max-requests {}, or send fewer with --reads",
            plan.requests(),
            options.max_requests,
            plan.requests()
        );
    }
    Ok(plan)
}
// ANCHOR_END: plan

impl Plan {
    /// Requests per variant: one create, the reads twice over, one delete.
    pub fn requests_per_target(&self) -> usize {
        2 + 2 * self.options.reads
    }

    /// The functions whose cold starts the run forces: those whose variant is deployed.
    pub fn cold_functions(&self) -> Vec<&'static str> {
        if self.options.cold_starts == 0 {
            return Vec::new();
        }
        crate::cold_on_aws::COLD_FUNCTIONS
            .iter()
            .filter(|(_, _, output, _)| self.targets.iter().any(|t| t.key == *output))
            .map(|(name, ..)| *name)
            .collect()
    }

    /// Requests for the cold starts: one each, and the post they read created and deleted.
    pub fn cold_start_requests(&self) -> usize {
        match self.cold_functions().len() {
            0 => 0,
            functions => functions * self.options.cold_starts + 2,
        }
    }

    pub fn requests(&self) -> usize {
        self.targets.len() * self.requests_per_target() + self.cold_start_requests()
    }

    /// What the run costs by chapter 6's prices: each request through its door, and DynamoDB's
    /// reads and writes.
    pub fn dollars(&self) -> f64 {
        let per_target = self.requests_per_target() as f64;
        let latency: f64 = self
            .targets
            .iter()
            .map(|target| {
                per_target * target.door.dollars_per_request(ASSUMED_FUNCTION_MS)
                    + 2.0 * self.options.reads as f64 * DYNAMODB_READ_REQUEST.dollars
                    + 2.0 * DYNAMODB_WRITE_REQUEST.dollars
            })
            .sum();
        // Each cold start: one request through a REST API, and its read.
        let cold = self.cold_start_requests() as f64
            * (Door::RestApi.dollars_per_request(ASSUMED_FUNCTION_MS)
                + DYNAMODB_READ_REQUEST.dollars);
        latency + cold
    }

    /// What the run will do, for you to confirm.
    pub fn describe(&self) -> String {
        let mut out = format!(
            "Measuring stack {} in {} (account {}) from this machine:\n",
            self.recorded.stack, self.recorded.region, self.recorded.account
        );
        for target in &self.targets {
            let _ = writeln!(
                out,
                "  {:<22} {:<14} {}",
                target.key,
                target.door.name(),
                target.url
            );
        }
        let _ = writeln!(
            out,
            "Each: 1 create, {reads} reads one after another, {reads} reads {concurrency} at a time, 1 delete ({per} requests).\n\
             In all: {total} requests (budget {budget}), about ${dollars:.4} by chapter 6's prices (us-east-1; Lambda at {ms} ms and {mb} MB a call).",
            reads = self.options.reads,
            concurrency = self.options.concurrency,
            per = self.requests_per_target(),
            total = self.requests(),
            budget = self.options.max_requests,
            dollars = self.dollars(),
            ms = ASSUMED_FUNCTION_MS,
            mb = FUNCTION_MEMORY_MB,
        );
        let _ = writeln!(
            out,
            "Then CloudWatch's metrics of each door over the same minutes, and get-post's Duration, which prices a month (waiting up to {} s for them to be published).",
            crate::server_side::PUBLISH_LIMIT.as_secs()
        );
        let cold = self.cold_functions();
        if !cold.is_empty() {
            let _ = writeln!(
                out,
                "Then {} forced cold starts of each of {} (a change of one environment variable, then one read each, the variable removed after; {} requests, counted above), read from their REPORT lines in CloudWatch Logs.",
                self.options.cold_starts,
                cold.join(", "),
                self.cold_start_requests()
            );
        }
        if self.options.task_starts > 0 && self.targets.iter().any(|t| t.key == "ContainersURL") {
            let _ = writeln!(
                out,
                "Then {} new deployments of the container's service (the same image, a new task each), each timed until the load balancer reports the new task healthy (no requests; each new task runs beside the old one for a few minutes).",
                self.options.task_starts
            );
        }
        out
    }
}

/// Latency of a series of requests, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Latency {
    pub n: usize,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl Latency {
    pub fn of(durations: &[Duration]) -> Self {
        let ms = crate::stats::sorted(durations.iter().map(|d| d.as_secs_f64() * 1e3));
        Self {
            n: ms.len(),
            p50: percentile(&ms, 50.0),
            p95: percentile(&ms, 95.0),
            p99: percentile(&ms, 99.0),
            max: ms.last().copied().unwrap_or(f64::NAN),
        }
    }
}

/// What was measured of one variant.
#[derive(Debug, Clone, Serialize)]
pub struct Measured {
    pub key: String,
    pub door: Door,
    pub sequential: Latency,
    pub concurrent: Latency,
    pub answers: usize,
    /// Answers with the status the contract gives: 201, 200 for every read, 204.
    pub expected_answers: usize,
}

/// A client for `http://` and `https://` (AWS's endpoints), trusting this machine's CAs.
pub(crate) fn client() -> Result<Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>> {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .context("cannot read this machine's CA certificates")?
        .https_or_http()
        .enable_http1()
        .build();
    Ok(Client::builder(TokioExecutor::new()).build(connector))
}

/// How long one request may take before the run calls it failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

// ANCHOR: measure
/// Measures every target of `plan`, one after another.
pub async fn measure(plan: &Plan) -> Result<Vec<Measured>> {
    let client = Arc::new(client()?);
    let mut measured = Vec::new();
    for target in &plan.targets {
        measured.push(measure_one(&client, target, plan.options).await?);
    }
    Ok(measured)
}

async fn measure_one(
    client: &Arc<Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>>,
    target: &Target,
    options: Options,
) -> Result<Measured> {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let id = format!("bench-{nanos}");
    let post = serde_json::json!({
        "id": id,
        "title": "Measured",
        "author": "cargo xtask bench --deployed",
        "contents": "A post that exists for the length of one measurement.",
    });
    let collection = format!("{}blog", target.url);
    let item = format!("{collection}/{id}");
    let (mut answers, mut expected) = (0, 0);

    let (status, _) = send(client, Method::POST, &collection, Some(post.to_string())).await?;
    answers += 1;
    expected += usize::from(status == 201);

    // The reads; whatever happens to them, the post is deleted after.
    let reads = async {
        let (mut answers, mut expected) = (0, 0);
        let mut sequential = Vec::with_capacity(options.reads);
        for _ in 0..options.reads {
            let (status, took) = send(client, Method::GET, &item, None).await?;
            answers += 1;
            expected += usize::from(status == 200);
            sequential.push(took);
        }

        let gate = Arc::new(tokio::sync::Semaphore::new(options.concurrency.max(1)));
        let mut running = tokio::task::JoinSet::new();
        for _ in 0..options.reads {
            let (client, item, gate) = (Arc::clone(client), item.clone(), Arc::clone(&gate));
            running.spawn(async move {
                let _turn = gate.acquire_owned().await?;
                send(&client, Method::GET, &item, None).await
            });
        }
        let mut concurrent = Vec::with_capacity(options.reads);
        while let Some(done) = running.join_next().await {
            let (status, took) = done??;
            answers += 1;
            expected += usize::from(status == 200);
            concurrent.push(took);
        }
        Ok::<_, anyhow::Error>((sequential, concurrent, answers, expected))
    }
    .await;
    let deleted = send(client, Method::DELETE, &item, None).await;
    let (sequential, concurrent, read_answers, read_expected) = reads?;
    answers += read_answers;
    expected += read_expected;
    let (status, _) = deleted?;
    answers += 1;
    expected += usize::from(status == 204);

    Ok(Measured {
        key: target.key.clone(),
        door: target.door,
        sequential: Latency::of(&sequential),
        concurrent: Latency::of(&concurrent),
        answers,
        expected_answers: expected,
    })
}

/// One request, timed from its start to the last byte of its answer.
pub(crate) async fn send(
    client: &Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>,
    method: Method,
    url: &str,
    json: Option<String>,
) -> Result<(u16, Duration)> {
    let mut request = Request::builder().method(method).uri(url);
    if json.is_some() {
        request = request.header("content-type", "application/json");
    }
    let request = request.body(Full::new(Bytes::from(json.unwrap_or_default())))?;
    let started = Instant::now();
    let answered = tokio::time::timeout(REQUEST_TIMEOUT, async {
        let response = client.request(request).await?;
        let status = response.status().as_u16();
        response.into_body().collect().await?;
        anyhow::Ok(status)
    })
    .await
    .with_context(|| format!("{url} did not answer within {REQUEST_TIMEOUT:?}"))?
    .with_context(|| format!("cannot reach {url}"))?;
    Ok((answered, started.elapsed()))
}
// ANCHOR_END: measure

// ANCHOR: cold_starts
/// The run's forced cold starts on AWS: with the credentials of your environment in the stack's
/// region, a post to read created through the functions' REST API, each function of
/// [`crate::cold_on_aws::COLD_FUNCTIONS`] found in the stack, started cold
/// `plan.options.cold_starts` times, and the post deleted.
pub async fn cold_starts(plan: &Plan, aws: &OnAws) -> Result<Vec<crate::cold_on_aws::ColdStarts>> {
    use crate::cold_on_aws::{DELIVERY_LIMIT, measure, resolve};
    let functions = plan
        .targets
        .iter()
        .find(|t| t.key == "FunctionsURL")
        .context("the deployment has no FunctionsURL to create the post the cold starts read")?;
    let client = Arc::new(client()?);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let id = format!("cold-{nanos}");
    let post = serde_json::json!({
        "id": id, "title": "Read cold", "author": "cargo xtask bench --deployed",
        "contents": "A post that exists for the length of one measurement.",
    });
    let collection = format!("{}blog", functions.url);
    let (status, _) = send(&client, Method::POST, &collection, Some(post.to_string())).await?;
    if status != 201 {
        bail!("creating the post to read answered {status}");
    }
    let urls: Vec<(String, String)> = plan
        .targets
        .iter()
        .map(|t| (t.key.clone(), t.url.clone()))
        .collect();
    let (lambda, logs) = (
        aws_sdk_lambda::Client::new(&aws.config),
        aws_sdk_cloudwatchlogs::Client::new(&aws.config),
    );
    // Whatever happens to the cold starts, the post is deleted after.
    let measured = async {
        let targets = resolve(
            &aws.resources,
            &plan.recorded.stack,
            &aws.template,
            &urls,
            &id,
        )?;
        let mut measured = Vec::new();
        for target in &targets {
            let get = |url: String| {
                let client = Arc::clone(&client);
                async move { Ok(send(&client, Method::GET, &url, None).await?.0) }
            };
            println!(
                "{}: {} forced cold starts",
                target.name, plan.options.cold_starts
            );
            measured.push(
                measure(
                    &lambda,
                    &logs,
                    target,
                    plan.options.cold_starts,
                    DELIVERY_LIMIT,
                    get,
                )
                .await?,
            );
        }
        Ok::<_, anyhow::Error>(measured)
    }
    .await;
    send(&client, Method::DELETE, &format!("{collection}/{id}"), None).await?;
    measured
}
// ANCHOR_END: cold_starts

/// What the steps on AWS share, read once: the SDK's configuration (your environment's
/// credentials, the stack's region), the template the deploy synthesized, and the stack's
/// resources (logical id to physical id).
#[derive(Debug)]
pub struct OnAws {
    pub config: aws_config::SdkConfig,
    pub template: serde_json::Value,
    pub resources: std::collections::HashMap<String, String>,
}

impl OnAws {
    /// Reads the template at `template` and lists the stack's resources.
    pub async fn connect(plan: &Plan, template: &std::path::Path) -> Result<Self> {
        let text = std::fs::read_to_string(template)
            .with_context(|| format!("no template at {}: deploy again", template.display()))?;
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new(plan.recorded.region.clone()))
            .load()
            .await;
        let resources = crate::server_side::stack_resources(
            &aws_sdk_cloudformation::Client::new(&config),
            &plan.recorded.stack,
        )
        .await?;
        Ok(Self {
            config,
            template: serde_json::from_str(&text)?,
            resources,
        })
    }
}

// ANCHOR: task_starts
/// The container's new tasks: `plan.options.task_starts` new deployments of its service, each
/// timed from the request to the new task's first healthy target.
pub async fn task_starts(plan: &Plan, aws: &OnAws) -> Result<Vec<crate::task_start::TaskStart>> {
    use crate::task_start::{HEALTHY_LIMIT, new_task, resolve};
    let service = resolve(&aws.template, &aws.resources)?;
    let (ecs, elb) = (
        aws_sdk_ecs::Client::new(&aws.config),
        aws_sdk_elasticloadbalancingv2::Client::new(&aws.config),
    );
    let mut starts = Vec::new();
    for n in 1..=plan.options.task_starts {
        println!(
            "the container: new task {n} of {}",
            plan.options.task_starts
        );
        starts.push(new_task(&ecs, &elb, &service, HEALTHY_LIMIT).await?);
    }
    Ok(starts)
}
// ANCHOR_END: task_starts

// ANCHOR: server_side
/// CloudWatch's view of the latency run, which ran from `start` to `end`: the metrics of each
/// door it measured, and the `Duration` of `get-post`, the function its reads invoked through the
/// functions' REST API, each read until it has counted the run's requests (all of them within
/// one [`PUBLISH_LIMIT`](crate::server_side::PUBLISH_LIMIT)).
pub async fn server_side(
    plan: &Plan,
    aws: &OnAws,
    start: SystemTime,
    end: SystemTime,
) -> Result<Vec<crate::server_side::Observed>> {
    use crate::server_side::{PUBLISH_LIMIT, doors, function_duration, observe};
    let (template, physical, stack) = (&aws.template, &aws.resources, &plan.recorded.stack);
    let urls: Vec<(String, String)> = plan
        .targets
        .iter()
        .map(|t| (t.key.clone(), t.url.clone()))
        .collect();
    let mut wanted: Vec<(crate::server_side::Door, usize)> = doors(template, &urls, physical)?
        .into_iter()
        .map(|door| (door, plan.requests_per_target()))
        .collect();
    if urls.iter().any(|(key, _)| key == "FunctionsURL") {
        let door = function_duration(template, physical, stack, "get-post", "Functions/get-post")?;
        wanted.push((door, 2 * plan.options.reads));
    }
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&aws.config);
    let deadline = std::time::Instant::now() + PUBLISH_LIMIT;
    let mut observed = Vec::new();
    for (door, requests) in wanted {
        println!(
            "{}: waiting for {} to publish the run's {requests} requests",
            door.key, door.namespace,
        );
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        observed.extend(observe(&cloudwatch, &door, start, end, requests, left).await?);
    }
    Ok(observed)
}
// ANCHOR_END: server_side

/// The markdown table of a run.
pub fn latency_table(measured: &[Measured], concurrency: usize) -> String {
    let mut out = format!(
        "| variant | door | reads | one at a time: p50 / p95 / p99 / max | {concurrency} at a time: p50 / p95 / p99 / max | answers as expected |\n|---|---|---:|---|---|---:|\n"
    );
    for m in measured {
        let show = |l: &Latency| {
            format!(
                "{:.1} / {:.1} / {:.1} / {:.1} ms",
                l.p50, l.p95, l.p99, l.max
            )
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {}/{} |",
            m.key,
            m.door.name(),
            m.sequential.n + m.concurrent.n,
            show(&m.sequential),
            show(&m.concurrent),
            m.expected_answers,
            m.answers
        );
    }
    out
}

/// [`plan`], reading what `cargo xtask deploy` wrote: the record at `record` and the stack's
/// outputs at `outputs`; the shell's region from `AWS_REGION` (or `AWS_DEFAULT_REGION`) as
/// `shell_region` gives it.
pub fn plan_from_files(
    record: &std::path::Path,
    outputs: &std::path::Path,
    shell_region: Option<&str>,
    options: Options,
) -> Result<Plan> {
    let recorded = ch08_deploy::record::DeploymentRecord::read(record)?.map(|record| Recorded {
        stack: record.stack,
        account: record.account,
        region: record.region,
    });
    if recorded.is_none() {
        return plan(None, Vec::new(), shell_region, options);
    }
    let text = std::fs::read_to_string(outputs).with_context(|| {
        format!(
            "no stack outputs at {}: deploy again, with `cargo xtask deploy`",
            outputs.display()
        )
    })?;
    plan(
        recorded,
        ch08_deploy::outputs::urls(&text)?,
        shell_region,
        options,
    )
}

/// The shell's region, as the AWS SDK reads it from the environment.
pub fn shell_region() -> Option<String> {
    ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
}

/// The chart of a run: per variant, the reads one at a time up to their p50, p95, p99 and
/// slowest.
pub fn latency_chart(measured: &[Measured], path: &std::path::Path) -> Result<()> {
    use crate::report::{BLUE, Bar, ORANGE, bar_chart};
    use plotters::style::RGBColor;
    let bars: Vec<Bar> = measured
        .iter()
        .map(|m| {
            let l = &m.sequential;
            (
                format!("{} ({})", m.key, m.door.name()),
                vec![
                    (0.0, l.p50, BLUE),
                    (l.p50, l.p95, RGBColor(120, 170, 220)),
                    (l.p95, l.p99, ORANGE),
                    (l.p99, l.max, RGBColor(200, 80, 60)),
                ],
            )
        })
        .collect();
    bar_chart(
        path,
        "Your reads one at a time: p50, p95, p99, slowest (ms)",
        "milliseconds",
        260,
        &bars,
    )
}

/// Writes a run's figures into `out`: `results.json`, `latency.md` and `latency.svg`.
pub fn write(plan: &Plan, measured: &[Measured], out: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(out)?;
    let results = serde_json::json!({
        "stack": plan.recorded.stack,
        "region": plan.recorded.region,
        "date": chrono::Utc::now().format("%Y-%m-%d").to_string(),
        "reads": plan.options.reads,
        "concurrency": plan.options.concurrency,
        "variants": measured,
    });
    std::fs::write(
        out.join("results.json"),
        serde_json::to_string_pretty(&results)? + "\n",
    )?;
    let table = latency_table(measured, plan.options.concurrency);
    latency_chart(measured, &out.join("latency.svg"))?;
    // The chart's path as the chapter, which includes this file, sees it.
    std::fs::write(
        out.join("latency.md"),
        format!(
            "Your deployment: stack {} in {}, measured from your machine on {}.\n\n{table}\n![Your reads one at a time: p50, p95, p99 and the slowest, per variant](measurements/yours/latency.svg)\n",
            plan.recorded.stack,
            plan.recorded.region,
            results["date"].as_str().unwrap_or_default()
        ),
    )?;
    Ok(())
}

/// Adds `value` under `field` to the `results.json` that [`write`] wrote into `out` (what the run
/// measured after the latency: the cold starts, CloudWatch's view).
pub fn add_to_results(out: &std::path::Path, field: &str, value: serde_json::Value) -> Result<()> {
    let path = out.join("results.json");
    let mut results: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    results[field] = value;
    std::fs::write(&path, serde_json::to_string_pretty(&results)? + "\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use ch01_blog_core::{Blog, MemoryStore};
    use ch03_functions::LocalApiGateway;
    use ch04_container::router::App;
    use ch08_deploy::record::DeploymentRecord;

    use super::*;

    /// A scratch folder of its own for each test.
    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("bench-deployed-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn record(region: &str) -> String {
        DeploymentRecord {
            stack: "ServerlessBlog".to_owned(),
            account: "000000000000".to_owned(),
            region: region.to_owned(),
            table_retained: false,
            logs_role_set_by_stack: true,
        }
        .to_json()
    }

    fn outputs(functions: &str, containers: &str) -> String {
        serde_json::json!({ "ServerlessBlog": {
            "FunctionsURL": functions,
            "ContainersURL": containers,
            "AllRoutesURL": functions,
            "WebAdapterURL": functions,
        }})
        .to_string()
    }

    /// The record and the outputs a deploy would have written, in `dir`.
    fn deployed_in(dir: &std::path::Path, region: &str, functions: &str, containers: &str) {
        std::fs::write(dir.join("deployment.json"), record(region)).unwrap();
        std::fs::write(dir.join("outputs.json"), outputs(functions, containers)).unwrap();
    }

    #[test]
    fn it_refuses_with_no_recorded_deployment() {
        let dir = scratch("none");
        let err = plan_from_files(
            &dir.join("deployment.json"),
            &dir.join("outputs.json"),
            None,
            Options::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no deployment is recorded (html/deployment.json): deploy first, with `cargo xtask deploy`"
        );
    }

    #[test]
    fn it_refuses_a_shell_in_another_region() {
        let dir = scratch("region");
        deployed_in(
            &dir,
            "eu-west-1",
            "https://a.example/Prod/",
            "http://b.example",
        );
        let err = plan_from_files(
            &dir.join("deployment.json"),
            &dir.join("outputs.json"),
            Some("us-east-1"),
            Options::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the stack ServerlessBlog is in eu-west-1, and your shell's region is us-east-1: run with AWS_REGION=eu-west-1"
        );
    }

    #[test]
    fn it_refuses_a_run_above_the_budget() {
        let dir = scratch("budget");
        deployed_in(
            &dir,
            "eu-west-1",
            "https://a.example/Prod/",
            "http://b.example",
        );
        let options = Options {
            reads: 100,
            concurrency: 4,
            cold_starts: 0,
            task_starts: 0,
            max_requests: 500,
        };
        let err = plan_from_files(
            &dir.join("deployment.json"),
            &dir.join("outputs.json"),
            Some("eu-west-1"),
            options,
        )
        .unwrap_err();
        // Four variants, each 1 create + 200 reads + 1 delete.
        assert_eq!(
            err.to_string(),
            "this run would send 808 requests, above the budget of 500: raise it with --max-requests 808, or send fewer with --reads"
        );
    }

    #[test]
    fn the_budget_counts_the_cold_starts() {
        let dir = scratch("cold");
        deployed_in(
            &dir,
            "eu-west-1",
            "https://a.example/Prod/",
            "http://b.example",
        );
        let plan = plan_from_files(
            &dir.join("deployment.json"),
            &dir.join("outputs.json"),
            Some("eu-west-1"),
            Options::default(),
        )
        .unwrap();
        // Four variants of 202 requests each, and 20 cold starts of four functions, with the
        // post they read created and deleted.
        assert_eq!(plan.requests(), 4 * 202 + 4 * 20 + 2);
        assert!(plan.describe().contains(
            "20 forced cold starts of each of get-posts, get-post, all-routes, web-adapter"
        ));
        // The container's new tasks send no requests, and are said before they are started.
        assert!(
            plan.describe()
                .contains("Then 3 new deployments of the container's service")
        );
    }

    // ANCHOR: offline
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_run_against_local_backends_counts_every_answer() {
        // The two variants on this machine, each on its own memory store.
        let functions = LocalApiGateway::new(Blog::new(Arc::new(MemoryStore::new())))
            .start_on_loopback()
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let containers = listener.local_addr().unwrap();
        let app = Arc::new(App {
            blog: Blog::new(Arc::new(MemoryStore::new())),
            body_timeout: Duration::from_secs(10),
        });
        tokio::spawn(ch04_container::server::serve(
            listener,
            app,
            Duration::from_secs(60),
            Duration::from_secs(1),
            std::future::pending(),
        ));
        let dir = scratch("offline");
        deployed_in(
            &dir,
            "eu-west-1",
            &format!("http://{functions}/Prod/"),
            &format!("http://{containers}"),
        );
        let options = Options {
            reads: 5,
            concurrency: 2,
            cold_starts: 0,
            task_starts: 0,
            max_requests: 100,
        };
        let plan = plan_from_files(
            &dir.join("deployment.json"),
            &dir.join("outputs.json"),
            Some("eu-west-1"),
            options,
        )
        .unwrap();
        let measured = measure(&plan).await.unwrap();
        write(&plan, &measured, &dir.join("out")).unwrap();

        assert_eq!(measured.len(), 4);
        for m in &measured {
            assert_eq!(m.answers, 2 + 2 * options.reads, "{}", m.key);
            assert_eq!(m.expected_answers, m.answers, "{}", m.key);
            assert_eq!((m.sequential.n, m.concurrent.n), (5, 5));
        }
        let written = std::fs::read_to_string(dir.join("out/latency.md")).unwrap();
        let chart = std::fs::read_to_string(dir.join("out/latency.svg")).unwrap();
        assert!(
            chart.starts_with("<svg"),
            "{}",
            &chart[..chart.len().min(80)]
        );
        assert!(chart.contains("FunctionsURL (REST API)"));
        assert!(
            written.ends_with("](measurements/yours/latency.svg)\n"),
            "{written}"
        );
        let table_of = |text: &str| text.split("\n![").next().unwrap_or_default().to_owned();
        // The ports and the figures change from run to run; the shape does not.
        insta::with_settings!({ filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:<port>")] }, {
            insta::assert_snapshot!("offline_plan", plan.describe());
        });
        insta::with_settings!({ filters => vec![
            (r"\d+\.\d", "_._"),
            (r"on \d{4}-\d{2}-\d{2}", "on <date>"),
        ]}, {
            // The table; the chart's link under it is checked above.
            insta::assert_snapshot!("offline_latency", table_of(&written));
        });
    }
    // ANCHOR_END: offline
}
