//! Cold starts on AWS, of your deployed functions: `cargo xtask bench -- --deployed --cold-starts N`.
//!
//! Lambda starts a new execution environment for a version it has not run, so the run changes one
//! environment variable of a function (`BENCH_COLD_START`, beside the ones the stack sets), waits
//! until Lambda has applied it, publishes that as a version, moves the function's alias (the one
//! its front doors invoke) there, and sends one request through the front door: that request
//! meets a cold start. After N of those per function, it puts the alias back on the stack's
//! version, the variable back as it was and deletes the versions it published; then it reads the
//! function's log group for Lambda's `REPORT` lines of the run and keeps those with an
//! `Init Duration` (see [`crate::report_line`]).

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, Result, bail};
use aws_sdk_cloudwatchlogs::Client as LogsClient;
use aws_sdk_lambda::Client as LambdaClient;
use aws_sdk_lambda::types::{Environment, LastUpdateStatus};
use serde::Serialize;

use crate::report_line::{self, Report};

/// The variable the run changes to force a new execution environment.
pub const COLD_START_VARIABLE: &str = "BENCH_COLD_START";

/// How far before the run its reports are looked for: this machine's clock and AWS's may differ.
pub const CLOCK_MARGIN: Duration = Duration::from_secs(60);

/// How long Lambda may take to apply a configuration change before the run gives up.
pub const UPDATE_LIMIT: Duration = Duration::from_secs(120);

/// One function to start cold, and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColdTarget {
    /// Its name in the book (`get-post`).
    pub name: String,
    /// Its name in Lambda (what CloudFormation named it).
    pub function_name: String,
    /// The alias its front doors invoke (`live`).
    pub alias: String,
    /// Its log group.
    pub log_group: String,
    /// A URL whose `GET` invokes it through its front door.
    pub url: String,
}

/// The cold starts of one function.
#[derive(Debug, Clone, Serialize)]
pub struct ColdStarts {
    pub name: String,
    /// One report per request that met a cold start, as Lambda wrote it.
    #[serde(skip)]
    pub reports: Vec<Report>,
    pub init_ms: Vec<f64>,
    pub duration_ms: Vec<f64>,
    pub billed_ms: Vec<u64>,
    pub max_memory_used_mb: Vec<u32>,
    /// Requests sent; each should have met a cold start.
    pub requests: usize,
}

// ANCHOR: force
/// Publishes `function`'s configuration as a new version and moves `alias` to it: the alias's
/// next invocation starts a new execution environment. Answers the version.
pub async fn publish_and_serve(
    lambda: &LambdaClient,
    function: &str,
    alias: &str,
) -> Result<String> {
    let version = lambda
        .publish_version()
        .function_name(function)
        .send()
        .await
        .with_context(|| format!("cannot publish a version of {function}"))?
        .version()
        .map(str::to_owned)
        .with_context(|| format!("Lambda published a version of {function} with no number"))?;
    lambda
        .update_alias()
        .function_name(function)
        .name(alias)
        .function_version(&version)
        .send()
        .await
        .with_context(|| format!("cannot move {function}'s alias {alias} to version {version}"))?;
    Ok(version)
}

/// Sets `function`'s [`COLD_START_VARIABLE`] to `value` (`None`: removes it, as the stack left
/// it) on its unpublished version (`$LATEST`), keeping the rest of its environment, and waits
/// until Lambda reports the change applied.
pub async fn force_cold_start(
    lambda: &LambdaClient,
    function: &str,
    value: Option<&str>,
) -> Result<()> {
    let current = lambda
        .get_function_configuration()
        .function_name(function)
        .send()
        .await
        .with_context(|| format!("cannot read {function}'s configuration"))?;
    let mut variables: HashMap<String, String> = current
        .environment()
        .and_then(|environment| environment.variables())
        .cloned()
        .unwrap_or_default();
    match value {
        Some(value) => variables.insert(COLD_START_VARIABLE.to_owned(), value.to_owned()),
        None => variables.remove(COLD_START_VARIABLE),
    };
    lambda
        .update_function_configuration()
        .function_name(function)
        .environment(
            Environment::builder()
                .set_variables(Some(variables))
                .build(),
        )
        .send()
        .await
        .with_context(|| format!("cannot change {function}'s configuration"))?;
    let started = Instant::now();
    loop {
        let now = lambda
            .get_function_configuration()
            .function_name(function)
            .send()
            .await?;
        match now.last_update_status() {
            Some(LastUpdateStatus::Successful) | None => return Ok(()),
            Some(LastUpdateStatus::Failed) => bail!(
                "Lambda could not apply {function}'s change: {}",
                now.last_update_status_reason().unwrap_or("no reason given")
            ),
            _ if started.elapsed() > UPDATE_LIMIT => {
                bail!("{function}'s change was not applied within {UPDATE_LIMIT:?}")
            }
            // In progress: ask again, as the AWS CLI's `function-updated` waiter does.
            _ => tokio::time::sleep(Duration::from_secs(1)).await,
        }
    }
}
// ANCHOR_END: force

// ANCHOR: reports
/// The reports `log_group` received since `since`, in either log format, parsed and in the order
/// they were written: every other event is skipped, and a report that cannot be read is an error.
pub async fn reports_since(
    logs: &LogsClient,
    log_group: &str,
    since: SystemTime,
) -> Result<Vec<Report>> {
    let start = since.duration_since(UNIX_EPOCH)?.as_millis() as i64;
    let mut reports = Vec::new();
    let mut token = None;
    loop {
        let page = logs
            .filter_log_events()
            .log_group_name(log_group)
            .start_time(start)
            .set_next_token(token)
            .send()
            .await
            .with_context(|| format!("cannot read the log group {log_group}"))?;
        for event in page.events() {
            // Either log format: the text REPORT line, or JSON's platform.report record.
            if let Some(report) = report_line::parse_event(event.message().unwrap_or_default())? {
                reports.push((event.timestamp().unwrap_or(0), report));
            }
        }
        match page.next_token() {
            Some(next) => token = Some(next.to_owned()),
            None => {
                // In the order Lambda wrote them, across the group's streams.
                reports.sort_by_key(|(timestamp, _)| *timestamp);
                return Ok(reports.into_iter().map(|(_, report)| report).collect());
            }
        }
    }
}
// ANCHOR_END: reports

/// The functions whose cold starts the run measures, by construct path under the stack (their
/// function and log group), and the path below each output's URL that one `GET` invokes them by
/// (`{id}`: a post the run creates first). Create and delete are left out: each call would write.
pub const COLD_FUNCTIONS: [(&str, &str, &str, &str); 4] = [
    ("get-posts", "Functions/get-posts", "FunctionsURL", "blog"),
    (
        "get-post",
        "Functions/get-post",
        "FunctionsURL",
        "blog/{id}",
    ),
    (
        "all-routes",
        "OneFunction/all-routes",
        "AllRoutesURL",
        "blog/{id}",
    ),
    (
        "web-adapter",
        "WebAdapter/web-adapter",
        "WebAdapterURL",
        "blog/{id}",
    ),
];

// ANCHOR: resolve
/// The [`ColdTarget`]s of the stack `stack`: CloudFormation's names for the functions and log
/// groups of [`COLD_FUNCTIONS`], found through the template's construct paths (`aws:cdk:path`)
/// and the stack's resources; their URLs from `urls` (output key, base URL) with `id` in place.
pub fn resolve(
    resources: &HashMap<String, String>,
    stack: &str,
    template: &serde_json::Value,
    urls: &[(String, String)],
    id: &str,
) -> Result<Vec<ColdTarget>> {
    let mut targets = Vec::new();
    for (name, path, output, below) in COLD_FUNCTIONS {
        let Some(base) = urls
            .iter()
            .find(|(key, _)| key == output)
            .map(|(_, url)| url)
        else {
            continue;
        };
        let physical = |part: &str| {
            let path = format!("{stack}/{path}/{part}/Resource");
            crate::server_side::logical_at(template, &path)
                .and_then(|logical| resources.get(logical).cloned())
                .with_context(|| {
                    format!(
                        "the stack {stack} has no {path}: deploy again, with `cargo xtask deploy`"
                    )
                })
        };
        let base = if base.ends_with('/') {
            base.clone()
        } else {
            format!("{base}/")
        };
        let function_name = physical("Function")?;
        let log_group = physical("Logs")?;
        let alias_path = format!("{stack}/{path}/Live/Resource");
        let alias = crate::server_side::logical_at(template, &alias_path)
            .and_then(|logical| template["Resources"][logical]["Properties"]["Name"].as_str())
            .with_context(|| {
                format!("the template has no alias at {alias_path}: deploy again, with `cargo xtask deploy`")
            })?;
        targets.push(ColdTarget {
            name: name.to_owned(),
            function_name,
            alias: alias.to_owned(),
            log_group,
            url: format!("{base}{}", below.replace("{id}", id)),
        });
    }
    Ok(targets)
}
// ANCHOR_END: resolve

/// How long CloudWatch Logs may take to deliver a run's `REPORT` lines.
pub const DELIVERY_LIMIT: Duration = Duration::from_secs(180);

/// The latest `wanted` cold starts' reports since `since`: read until they have arrived
/// (CloudWatch Logs delivers a function's lines some seconds after the invocation), or until
/// `limit`, after which the run reports how many it found.
pub async fn cold_reports(
    logs: &LogsClient,
    log_group: &str,
    since: SystemTime,
    wanted: usize,
    limit: Duration,
) -> Result<Vec<Report>> {
    let started = Instant::now();
    loop {
        let mut cold: Vec<Report> = reports_since(logs, log_group, since)
            .await?
            .into_iter()
            .filter(Report::is_cold_start)
            .collect();
        if cold.len() >= wanted || started.elapsed() > limit {
            // The run's own are the latest: `since` reaches a little before the run.
            let earlier = cold.len().saturating_sub(wanted);
            return Ok(cold.split_off(earlier));
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// Forces `times` cold starts of `target`, each met by one `GET` of its URL through `get`, then
/// reads Lambda's reports of them, waiting up to `delivery_limit` for them to arrive. `get`
/// answers the status of the request.
pub async fn measure<F, Fut>(
    lambda: &LambdaClient,
    logs: &LogsClient,
    target: &ColdTarget,
    times: usize,
    delivery_limit: Duration,
    get: F,
) -> Result<ColdStarts>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<u16>>,
{
    // A minute early, in case this machine's clock runs ahead of AWS's: the run keeps only the
    // latest cold starts, its own.
    let since = SystemTime::now() - CLOCK_MARGIN;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();
    let function = &target.function_name;
    let serving = lambda
        .get_alias()
        .function_name(function)
        .name(&target.alias)
        .send()
        .await
        .with_context(|| format!("{function} has no alias {}", target.alias))?
        .function_version()
        .map(str::to_owned)
        .with_context(|| format!("{function}'s alias {} names no version", target.alias))?;
    let mut published = Vec::new();
    let forced = async {
        for n in 0..times {
            let value = format!("{run}-{n}");
            force_cold_start(lambda, function, Some(&value)).await?;
            published.push(publish_and_serve(lambda, function, &target.alias).await?);
            let status = get(target.url.clone()).await?;
            if !(200..300).contains(&status) {
                bail!("{} answered {status} through {}", target.name, target.url);
            }
        }
        Ok(())
    }
    .await;
    // The function back as the stack left it, whatever happened: its alias on the stack's
    // version, its environment, and none of the run's versions.
    let restored = async {
        lambda
            .update_alias()
            .function_name(function)
            .name(&target.alias)
            .function_version(&serving)
            .send()
            .await
            .with_context(|| format!("cannot move {function}'s alias back to version {serving}"))?;
        force_cold_start(lambda, function, None).await?;
        for version in &published {
            lambda
                .delete_function()
                .function_name(function)
                .qualifier(version)
                .send()
                .await
                .with_context(|| format!("cannot delete version {version} of {function}"))?;
        }
        Ok::<_, anyhow::Error>(())
    }
    .await;
    forced?;
    restored?;
    let reports = cold_reports(logs, &target.log_group, since, times, delivery_limit).await?;
    Ok(ColdStarts {
        name: target.name.clone(),
        init_ms: reports.iter().filter_map(|r| r.init_duration_ms).collect(),
        duration_ms: reports.iter().map(|r| r.duration_ms).collect(),
        billed_ms: reports.iter().map(|r| r.billed_duration_ms).collect(),
        max_memory_used_mb: reports.iter().map(|r| r.max_memory_used_mb).collect(),
        requests: times,
        reports,
    })
}

/// The markdown table of the cold starts a run read.
pub fn cold_starts_table(measured: &[ColdStarts]) -> String {
    use crate::stats::sorted;
    use std::fmt::Write as _;
    let mut out = String::from(
        "| function | cold starts read | Init Duration p50 / max | Duration p50 | Billed Duration p50 | Max Memory Used |\n|---|---:|---|---:|---:|---:|\n",
    );
    for m in measured {
        let init = sorted(m.init_ms.iter().copied());
        let duration = sorted(m.duration_ms.iter().copied());
        let billed = sorted(m.billed_ms.iter().map(|&ms| ms as f64));
        let memory = m.max_memory_used_mb.iter().max().copied().unwrap_or(0);
        if init.is_empty() {
            let _ = writeln!(out, "| {} | 0/{} | — | — | — | — |", m.name, m.requests);
            continue;
        }
        let _ = writeln!(
            out,
            "| {} | {}/{} | {:.1} / {:.1} ms | {:.1} ms | {:.0} ms | {memory} MB |",
            m.name,
            init.len(),
            m.requests,
            crate::stats::percentile(&init, 50.0),
            init.last().copied().unwrap_or(f64::NAN),
            crate::stats::percentile(&duration, 50.0),
            crate::stats::percentile(&billed, 50.0),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    //! Against moto (Lambda, CloudWatch Logs, IAM), with a front door on this machine that
    //! invokes the function's alias and writes the `REPORT` line Lambda would write: with an
    //! `Init Duration` when the version the alias names is not the one of its last request.

    use std::convert::Infallible;
    use std::sync::{Arc, Mutex};

    use aws_sdk_cloudwatchlogs::types::InputLogEvent;
    use aws_sdk_lambda::primitives::Blob;
    use aws_sdk_lambda::types::{FunctionCode, Runtime};
    use hyper::Method;

    use super::*;

    /// The smallest valid zip (no entries): moto stores a function's code without running it.
    const EMPTY_ZIP: [u8; 22] = [
        0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    /// The report Lambda writes after an invocation, in its documented formats: the text line
    /// for even `n`, the JSON format's `platform.report` record for odd `n` (a function's log
    /// group holds one or the other; the reader takes both).
    fn report_line(n: usize, cold: bool) -> String {
        if n % 2 == 1 {
            let init = if cold {
                r#","initDurationMs":12.34"#
            } else {
                ""
            };
            return format!(
                r#"{{"time":"2026-12-03T10:00:00.000Z","type":"platform.report","record":{{"requestId":"00000000-0000-0000-0000-{n:012}","metrics":{{"durationMs":2.5,"billedDurationMs":15,"memorySizeMB":512,"maxMemoryUsedMB":20{init}}},"status":"success"}}}}"#
            );
        }
        let init = if cold {
            "\tInit Duration: 12.34 ms"
        } else {
            ""
        };
        format!(
            "REPORT RequestId: 00000000-0000-0000-0000-{n:012}\tDuration: 2.50 ms\tBilled Duration: 15 ms\tMemory Size: 512 MB\tMax Memory Used: 20 MB{init}\t"
        )
    }

    // ANCHOR: moto
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_configuration_change_forces_a_cold_start_and_its_report_is_read() {
        let config = crate::moto_config().await;
        let (lambda, logs) = (LambdaClient::new(&config), LogsClient::new(&config));
        let iam = aws_sdk_iam::Client::new(&config);
        let unique = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let role = iam
            .create_role()
            .role_name(format!("bench-{unique}"))
            .assume_role_policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            )
            .send()
            .await
            .unwrap();
        let function_name = format!("get-post-{unique}");
        lambda
            .create_function()
            .function_name(&function_name)
            .runtime(Runtime::Providedal2023)
            .handler("bootstrap")
            .role(role.role().unwrap().arn())
            .code(
                FunctionCode::builder()
                    .zip_file(Blob::new(EMPTY_ZIP))
                    .build(),
            )
            .environment(
                Environment::builder()
                    .variables("TABLE_NAME", "ServerlessBlog")
                    .build(),
            )
            .send()
            .await
            .unwrap();
        // As the stack leaves it: version 1 published, and the alias on it.
        let stack_version = lambda
            .publish_version()
            .function_name(&function_name)
            .send()
            .await
            .unwrap()
            .version()
            .unwrap()
            .to_owned();
        lambda
            .create_alias()
            .function_name(&function_name)
            .name("live")
            .function_version(&stack_version)
            .send()
            .await
            .unwrap();
        let log_group = format!("/aws/lambda/{function_name}");
        logs.create_log_group()
            .log_group_name(&log_group)
            .send()
            .await
            .unwrap();
        logs.create_log_stream()
            .log_group_name(&log_group)
            .log_stream_name("environment")
            .send()
            .await
            .unwrap();

        // The front door: each request invokes the alias, as Lambda would; a version other than
        // the last request's means a new execution environment.
        let last: Arc<Mutex<Option<String>>> = Arc::default();
        let served = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/Prod/blog/hello", listener.local_addr().unwrap());
        let (door_lambda, door_logs) = (lambda.clone(), logs.clone());
        let (door_function, door_group) = (function_name.clone(), log_group.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (lambda, logs, last, served) = (
                    door_lambda.clone(),
                    door_logs.clone(),
                    Arc::clone(&last),
                    Arc::clone(&served),
                );
                let (function, group) = (door_function.clone(), door_group.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |_request| {
                        let (lambda, logs, last, served) = (
                            lambda.clone(),
                            logs.clone(),
                            Arc::clone(&last),
                            Arc::clone(&served),
                        );
                        let (function, group) = (function.clone(), group.clone());
                        async move {
                            let alias = lambda
                                .get_alias()
                                .function_name(&function)
                                .name("live")
                                .send()
                                .await
                                .unwrap();
                            let now = alias.function_version().map(str::to_owned);
                            let cold = {
                                let mut last = last.lock().unwrap();
                                let cold = *last != now;
                                *last = now;
                                cold
                            };
                            let n = served.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            let at = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
                            let event = |message: String| {
                                InputLogEvent::builder()
                                    .timestamp(at.as_millis() as i64)
                                    .message(message)
                                    .build()
                                    .unwrap()
                            };
                            logs.put_log_events()
                                .log_group_name(&group)
                                .log_stream_name("environment")
                                // The handler's own line, which the reader must skip.
                                .log_events(event(
                                    r#"{"level":"INFO","message":"request","status":200}"#
                                        .to_owned(),
                                ))
                                .log_events(event(report_line(n, cold)))
                                .send()
                                .await
                                .unwrap();
                            Ok::<_, Infallible>(hyper::Response::new(http_body_util::Full::new(
                                bytes::Bytes::from_static(b"{}"),
                            )))
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });

        let target = ColdTarget {
            name: "get-post".to_owned(),
            function_name: function_name.clone(),
            alias: "live".to_owned(),
            log_group,
            url,
        };
        let client = Arc::new(crate::deployed::client().unwrap());
        let get = |url: String| {
            let client = Arc::clone(&client);
            async move {
                let (status, _) = crate::deployed::send(&client, Method::GET, &url, None).await?;
                Ok(status)
            }
        };
        let cold = measure(&lambda, &logs, &target, 3, Duration::from_secs(10), get)
            .await
            .unwrap();

        assert_eq!(cold.requests, 3);
        assert_eq!(cold.init_ms, vec![12.34; 3]);
        assert_eq!(cold.billed_ms, vec![15; 3]);
        insta::assert_snapshot!("moto_cold_starts", cold_starts_table(&[cold]));
        // The stack's own variables are kept, and the run's is gone: the function is as the stack
        // left it.
        let variables = lambda
            .get_function_configuration()
            .function_name(&function_name)
            .send()
            .await
            .unwrap()
            .environment()
            .and_then(|e| e.variables())
            .cloned()
            .unwrap();
        assert_eq!(variables["TABLE_NAME"], "ServerlessBlog");
        assert!(
            !variables.contains_key(COLD_START_VARIABLE),
            "{variables:?}"
        );
        // The alias is back on the stack's version, and the run's three versions are gone.
        let alias = lambda
            .get_alias()
            .function_name(&function_name)
            .name("live")
            .send()
            .await
            .unwrap();
        assert_eq!(alias.function_version(), Some(stack_version.as_str()));
        let versions: Vec<String> = lambda
            .list_versions_by_function()
            .function_name(&function_name)
            .send()
            .await
            .unwrap()
            .versions()
            .iter()
            .filter_map(|v| v.version().map(str::to_owned))
            .collect();
        assert_eq!(versions, vec!["$LATEST".to_owned(), stack_version.clone()]);
    }
    // ANCHOR_END: moto

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_functions_and_log_groups_are_found_through_the_template_paths() {
        let config = crate::moto_config().await;
        let cloudformation = aws_sdk_cloudformation::Client::new(&config);
        let unique = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let stack = format!("Blog{unique}");
        // Resources under construct paths as the CDK writes them, with generated logical ids
        // (log groups all: moto creates them without code or roles).
        let path =
            |function: &str, part: &str| format!("{stack}/Functions/{function}/{part}/Resource");
        let template = serde_json::json!({ "Resources": {
            "FunctionsgetpostsLogsAAAA": { "Type": "AWS::Logs::LogGroup", "Metadata": { "aws:cdk:path": path("get-posts", "Logs") } },
            "FunctionsgetpostsFunctionBBBB": { "Type": "AWS::Logs::LogGroup", "Metadata": { "aws:cdk:path": path("get-posts", "Function") } },
            "FunctionsgetpostLogs1234": { "Type": "AWS::Logs::LogGroup", "Metadata": { "aws:cdk:path": path("get-post", "Logs") } },
            "FunctionsgetpostFunction5678": { "Type": "AWS::Logs::LogGroup", "Metadata": { "aws:cdk:path": path("get-post", "Function") } },
            // Aliases as the stack has them (moto skips the type).
            "FunctionsgetpostsLiveCCCC": { "Type": "AWS::Lambda::Alias", "Metadata": { "aws:cdk:path": path("get-posts", "Live") },
                "Properties": { "Name": "live", "FunctionName": { "Ref": "FunctionsgetpostsFunctionBBBB" }, "FunctionVersion": "1" } },
            "FunctionsgetpostLive9012": { "Type": "AWS::Lambda::Alias", "Metadata": { "aws:cdk:path": path("get-post", "Live") },
                "Properties": { "Name": "live", "FunctionName": { "Ref": "FunctionsgetpostFunction5678" }, "FunctionVersion": "1" } },
        }});
        cloudformation
            .create_stack()
            .stack_name(&stack)
            .template_body(template.to_string())
            .send()
            .await
            .unwrap();
        let urls = vec![(
            "FunctionsURL".to_owned(),
            "https://api.example/Prod".to_owned(),
        )];
        let listed = crate::server_side::stack_resources(&cloudformation, &stack)
            .await
            .unwrap();
        let targets = resolve(&listed, &stack, &template, &urls, "post-1").unwrap();
        let resources = cloudformation
            .describe_stack_resources()
            .stack_name(&stack)
            .send()
            .await
            .unwrap();
        let physical = |logical: &str| {
            resources
                .stack_resources()
                .iter()
                .find(|r| r.logical_resource_id() == Some(logical))
                .and_then(|r| r.physical_resource_id())
                .unwrap()
                .to_owned()
        };
        // Only the functions behind FunctionsURL: the other outputs are not in `urls`.
        assert_eq!(
            targets,
            vec![
                ColdTarget {
                    name: "get-posts".to_owned(),
                    function_name: physical("FunctionsgetpostsFunctionBBBB"),
                    alias: "live".to_owned(),
                    log_group: physical("FunctionsgetpostsLogsAAAA"),
                    url: "https://api.example/Prod/blog".to_owned(),
                },
                ColdTarget {
                    name: "get-post".to_owned(),
                    function_name: physical("FunctionsgetpostFunction5678"),
                    alias: "live".to_owned(),
                    log_group: physical("FunctionsgetpostLogs1234"),
                    url: "https://api.example/Prod/blog/post-1".to_owned(),
                },
            ]
        );
        // A stack without one of them is an error that names what is missing.
        let urls = vec![(
            "AllRoutesURL".to_owned(),
            "https://api.example/Prod/".to_owned(),
        )];
        let err = resolve(&listed, &stack, &template, &urls, "post-1").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "the stack {stack} has no {stack}/OneFunction/all-routes/Function/Resource: deploy again, with `cargo xtask deploy`"
            )
        );
    }
}
