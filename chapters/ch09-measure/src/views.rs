//! One table, three sources, for the questions a reader chooses on: this machine's harness
//! (`book/src/measurements/results.json`), what others measured on AWS ([`crate::published`]),
//! and your own deployment (`book/src/measurements/yours/results.json`, written by
//! `cargo xtask bench -- --deployed`), each where it exists. `cargo xtask bench` and
//! `bench-deployed` both rewrite it, so it always agrees with the figures beside it.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result};
use ch06_infrastructure::settings::FUNCTION_MEMORY_MB;
use serde_json::Value;

use crate::published::{lambda_perf, yalovoy};

/// What a cell says where its source has no figure.
const NONE: &str = "—";

/// The Rust row of lambda-perf's table: a zip on `provided.al2023`.
fn published_rust_init() -> String {
    let published = lambda_perf();
    let row = published
        .rows
        .iter()
        .find(|row| row.runtime.starts_with("rust") && row.package == "zip")
        .expect("lambda-perf's file has a Rust zip row");
    let mean = row.init_ms.iter().sum::<f64>() / row.init_ms.len() as f64;
    format!(
        "{mean:.1} ms, mean of {} (lambda-perf, {} MB, {})",
        row.init_ms.len(),
        row.memory_mb,
        row.architecture
    )
}

fn f(value: &Value, path: &[&str]) -> Option<f64> {
    path.iter()
        .try_fold(value, |v, key| v.get(key))
        .and_then(Value::as_f64)
}

/// This machine's `get-post` at the stack's memory size, init at that size's CPU share: the
/// p50 of `measure` (`init_ms`, `init_and_first_ms`).
fn this_at_stack_size(this: &Value, measure: &str) -> Option<f64> {
    this["memory_curve"]
        .as_array()?
        .iter()
        .find(|point| point["memory_mb"] == FUNCTION_MEMORY_MB)
        .and_then(|point| f(point, &["init_at_share", measure, "p50"]))
}

/// Your `Init Duration` p50 of `name`.
fn your_init(yours: &Value, name: &str) -> Option<(f64, usize)> {
    let cold = yours["cold_starts"]
        .as_array()?
        .iter()
        .find(|c| c["name"] == name)?;
    let init = crate::stats::sorted(cold["init_ms"].as_array()?.iter().filter_map(Value::as_f64));
    (!init.is_empty()).then(|| (crate::stats::percentile(&init, 50.0), init.len()))
}

/// Your one-at-a-time latency `stat` through the output `key`.
fn your_latency(yours: &Value, key: &str, stat: &str) -> Option<f64> {
    yours["variants"]
        .as_array()?
        .iter()
        .find(|v| v["key"] == key)
        .and_then(|variant| f(variant, &["sequential", stat]))
}

/// Your new tasks' p50, from asking ECS to the load balancer's healthy target.
fn your_task_start(yours: &Value) -> Option<String> {
    let seconds = crate::stats::sorted(
        yours["task_starts"]
            .as_array()?
            .iter()
            .filter_map(|s| s["seconds"].as_f64()),
    );
    (!seconds.is_empty()).then(|| {
        format!(
            "{:.0} s (a new task, asked to healthy behind the load balancer, {} deployments)",
            crate::stats::percentile(&seconds, 50.0),
            seconds.len()
        )
    })
}

// ANCHOR: views
/// The table: `this` is this machine's `results.json`, `yours` your deployment's, if measured.
pub fn views(this: &Value, yours: Option<&Value>) -> String {
    let none = || NONE.to_owned();
    let ms =
        |value: Option<f64>, note: &str| value.map_or_else(none, |v| format!("{v:.1} ms ({note})"));
    let published = yalovoy();
    let finding = |measure: &str| {
        published
            .latency
            .iter()
            .find(|row| row.measure == measure)
            .map_or_else(none, |row| format!("{} (Yalovoy)", row.finding()))
    };
    let yours_or = |cell: Option<String>| {
        cell.unwrap_or_else(|| {
            if yours.is_some() {
                NONE.to_owned()
            } else {
                "run `cargo xtask bench -- --deployed`".to_owned()
            }
        })
    };
    let mut rows: Vec<[String; 4]> = Vec::new();
    rows.push([
        "a hello-world Rust function's init".to_owned(),
        ms(
            f(this, &["hello_function", "init_ms", "p50"]),
            "the process alone, a whole core",
        ),
        published_rust_init(),
        NONE.to_owned(),
    ]);
    rows.push([
        "`get-post`'s init, p50".to_owned(),
        ms(
            this_at_stack_size(this, "init_ms"),
            &format!("{FUNCTION_MEMORY_MB} MB's share of a core, TLS connection opened"),
        ),
        NONE.to_owned(),
        yours_or(
            yours
                .and_then(|y| your_init(y, "get-post"))
                .map(|(p50, n)| format!("{p50:.1} ms (`Init Duration`, {n} cold starts)")),
        ),
    ]);
    let ratio = yours.and_then(|y| {
        let functions = your_latency(y, "FunctionsURL", "p50")?;
        let container = your_latency(y, "ContainersURL", "p50")?;
        Some(format!(
            "{:.1}× ({functions:.1} ms against {container:.1} ms)",
            functions / container
        ))
    });
    rows.push([
        "latency p50, the functions' over the container's".to_owned(),
        "not measured here: no API Gateway or load balancer on this machine".to_owned(),
        finding("p50"),
        yours_or(ratio),
    ]);
    let slowest = yours.and_then(|y| {
        let functions = your_latency(y, "FunctionsURL", "max")?;
        let container = your_latency(y, "ContainersURL", "max")?;
        let reads = your_latency(y, "FunctionsURL", "n")?;
        Some(format!(
            "the slowest of {reads:.0} reads one at a time: functions {functions:.1} ms, container {container:.1} ms"
        ))
    });
    rows.push([
        "the slowest requests".to_owned(),
        NONE.to_owned(),
        finding("above p99.9"),
        yours_or(slowest),
    ]);
    rows.push([
        "the container's start: to its first `200` here, to a healthy target on AWS".to_owned(),
        ms(
            f(this, &["container", "start_to_health_ms", "p50"]),
            "the process alone",
        ),
        NONE.to_owned(),
        yours_or(yours.and_then(your_task_start)),
    ]);
    let mut out =
        String::from("| | this machine | published, on AWS | yours, on AWS |\n|---|---|---|---|\n");
    for [what, here, published, yours] in rows {
        let _ = writeln!(out, "| {what} | {here} | {published} | {yours} |");
    }
    let where_yours = yours.map_or_else(
        || "no deployment of yours measured yet".to_owned(),
        |y| {
            format!(
                "stack {} in {}, on {}",
                y["stack"].as_str().unwrap_or_default(),
                y["region"].as_str().unwrap_or_default(),
                y["date"].as_str().unwrap_or_default()
            )
        },
    );
    let _ = writeln!(
        out,
        "\nThis machine: {}. Yours: {where_yours}.",
        this["machine"]["date"].as_str().map_or_else(
            || "chapter 9's harness".to_owned(),
            |date| format!("chapter 9's harness, run on {date}")
        ),
    );
    out
}
// ANCHOR_END: views

/// This machine's `init + first call` p50 of `name` on DynamoDB over TLS, at a whole core.
fn this_cold_start(this: &Value, name: &str) -> Option<f64> {
    this["functions"]
        .as_array()?
        .iter()
        .find(|row| row["name"] == name && row["store"] == "dynamodb (TLS)")
        .and_then(|row| f(row, &["init_and_first_ms", "p50"]))
}

/// Yalovoy's cost finding at `traffic`.
fn published_cost(traffic: &str) -> String {
    yalovoy()
        .cost
        .iter()
        .find(|row| row.traffic.starts_with(traffic))
        .map_or_else(
            || NONE.to_owned(),
            |row| format!("at {}: {} (Yalovoy)", row.traffic, row.cheaper),
        )
}

// ANCHOR: decisions
/// The figures beside each row of Choosing's decision table, from the same three sources as
/// [`views`]. A row whose reason is not a figure (permissions, debugging, patching) has none.
pub fn decisions(this: &Value, yours: Option<&Value>) -> String {
    use crate::cost::{
        Keeping, MANAGED_INSTANCES_DEFAULT, Workload, book_workload, functions_kept,
    };
    use ch06_infrastructure::prices::{API_GATEWAY_HTTP_REQUEST, API_GATEWAY_REST_REQUEST};
    let none = || NONE.to_owned();
    let run_yours = || {
        if yours.is_some() {
            NONE.to_owned()
        } else {
            "run `cargo xtask bench -- --deployed`".to_owned()
        }
    };
    let your_init_of = |name: &str| {
        yours
            .and_then(|y| your_init(y, name))
            .map_or_else(run_yours, |(p50, n)| {
                format!("`Init Duration` {p50:.1} ms, p50 of {n} cold starts")
            })
    };
    let dollars = |value: Option<f64>| value.map_or_else(none, |v| format!("${v:.2}"));
    let rate = |key: &str| {
        this["cost"][key]
            .as_f64()
            .map_or_else(none, |rps| format!("{rps:.1} requests a second"))
    };
    let get_post = this_cold_start(this, "get-post");
    let versus = |name: &str| match (this_cold_start(this, name), get_post) {
        (Some(shape), Some(get_post)) => format!(
            "init + first call {shape:.1} ms against `get-post`'s {get_post:.1} ms (a whole core)"
        ),
        _ => NONE.to_owned(),
    };
    let managed = functions_kept(
        &Workload {
            requests_per_second: 0.0,
            ..book_workload(0.5)
        },
        Keeping::ManagedInstances {
            instances: MANAGED_INSTANCES_DEFAULT,
        },
    )
    .total();
    let rows: [[String; 4]; 7] = [
        [
            "traffic is low, bursty or unknown".to_owned(),
            format!(
                "a month with no traffic: functions $0.00, containers {}",
                dollars(this["cost"]["curve"][0]["containers"].as_f64())
            ),
            published_cost("1 request"),
            NONE.to_owned(),
        ],
        [
            "traffic is steady and above the crossover".to_owned(),
            format!(
                "the containers cost less above {} (REST API), {} (HTTP API)",
                rate("crossover_rest_rps"),
                rate("crossover_http_api_rps")
            ),
            published_cost("about 30"),
            NONE.to_owned(),
        ],
        [
            "the first request after quiet must be fast".to_owned(),
            this_at_stack_size(this, "init_and_first_ms").map_or_else(none, |ms| {
                format!(
                    "`get-post`'s first caller waits {ms:.1} ms, p50 ({FUNCTION_MEMORY_MB} MB's share of a core)"
                )
            }),
            format!("a hello-world's init: {}", published_rust_init()),
            your_init_of("get-post"),
        ],
        [
            "one function for every route".to_owned(),
            versus("all-routes"),
            NONE.to_owned(),
            your_init_of("all-routes"),
        ],
        [
            "the server through the Lambda Web Adapter".to_owned(),
            versus("web-adapter"),
            NONE.to_owned(),
            your_init_of("web-adapter"),
        ],
        [
            "requests are many, and the REST API's price is most of the bill".to_owned(),
            format!(
                "a million requests: ${:.2} through a REST API, ${:.2} through an HTTP API, $0.00 through a function URL",
                API_GATEWAY_REST_REQUEST.dollars * 1e6,
                API_GATEWAY_HTTP_REQUEST.dollars * 1e6
            ),
            NONE.to_owned(),
            NONE.to_owned(),
        ],
        [
            "traffic is steady: Lambda Managed Instances".to_owned(),
            format!(
                "a month of the default {MANAGED_INSTANCES_DEFAULT} instances, with no traffic: ${managed:.2}"
            ),
            NONE.to_owned(),
            NONE.to_owned(),
        ],
    ];
    let mut out = String::from(
        "| the row | this machine, and the model | published, on AWS | yours, on AWS |\n|---|---|---|---|\n",
    );
    for [row, here, published, yours] in rows {
        let _ = writeln!(out, "| {row} | {here} | {published} | {yours} |");
    }
    out
}
// ANCHOR_END: decisions

/// Rewrites `views.md` and `choosing.md` in `measurements` from the `results.json` there and, if
/// present, the one in `measurements/yours`.
pub fn write(measurements: &Path) -> Result<()> {
    let read = |path: &Path| -> Result<Value> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
    };
    let this = read(&measurements.join("results.json"))?;
    let yours_path = measurements.join("yours").join("results.json");
    let yours = yours_path.exists().then(|| read(&yours_path)).transpose()?;
    std::fs::write(measurements.join("views.md"), views(&this, yours.as_ref()))?;
    std::fs::write(
        measurements.join("choosing.md"),
        decisions(&this, yours.as_ref()),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The parts of this machine's `results.json` the table reads.
    fn this() -> Value {
        json!({
            "machine": { "date": "2026-12-01" },
            "hello_function": { "init_ms": { "p50": 1.8 } },
            "memory_curve": [
                { "memory_mb": 128, "init_at_share": { "init_ms": { "p50": 400.0 } } },
                { "memory_mb": FUNCTION_MEMORY_MB, "init_at_share": { "init_ms": { "p50": 110.5 } } },
            ],
            "container": { "start_to_health_ms": { "p50": 3.7 } },
        })
    }

    /// The parts of your `results.json` the table reads, as `bench-deployed` writes it.
    fn yours() -> Value {
        let latency = |p50: f64, max: f64| json!({ "n": 100, "p50": p50, "p95": p50, "p99": max, "max": max });
        json!({
            "stack": "ServerlessBlog",
            "region": "eu-west-1",
            "date": "2026-12-02",
            "variants": [
                { "key": "FunctionsURL", "sequential": latency(42.0, 480.0) },
                { "key": "ContainersURL", "sequential": latency(14.0, 60.0) },
            ],
            "cold_starts": [
                { "name": "get-post", "init_ms": [31.0, 29.0, 35.0], "requests": 3 },
            ],
            "task_starts": [
                { "seconds": 75.2, "target": "10.0.1.7" },
                { "seconds": 81.9, "target": "10.0.2.9" },
            ],
        })
    }

    #[test]
    fn before_you_measure_the_table_says_how() {
        let table = views(&this(), None);
        assert!(table.contains("110.5 ms"), "{table}");
        insta::assert_snapshot!("without_yours", table);
    }

    #[test]
    fn your_figures_fill_the_last_column() {
        let table = views(&this(), Some(&yours()));
        assert!(
            table.contains("31.0 ms (`Init Duration`, 3 cold starts)"),
            "{table}"
        );
        assert!(table.contains("3.0× (42.0 ms against 14.0 ms)"), "{table}");
        assert!(table.contains("75 s (a new task"), "{table}");
        insta::assert_snapshot!("with_yours", table);
    }

    #[test]
    fn each_row_of_the_decision_table_has_its_figures() {
        let mut this = this();
        this["functions"] = json!([
            { "name": "get-post", "store": "dynamodb (TLS)", "init_and_first_ms": { "p50": 87.8 } },
            { "name": "all-routes", "store": "dynamodb (TLS)", "init_and_first_ms": { "p50": 88.7 } },
        ]);
        this["cost"] = json!({
            "crossover_rest_rps": 3.6, "crossover_http_api_rps": 11.2,
            "curve": [{ "containers": 34.58 }],
        });
        this["memory_curve"][1]["init_at_share"]["init_and_first_ms"] = json!({ "p50": 196.8 });
        let table = decisions(&this, Some(&yours()));
        assert!(table.contains("containers $34.58"), "{table}");
        assert!(
            table.contains("3.6 requests a second (REST API)"),
            "{table}"
        );
        assert!(table.contains("waits 196.8 ms"), "{table}");
        assert!(
            table.contains("88.7 ms against `get-post`'s 87.8 ms"),
            "{table}"
        );
        // Your get-post's cold starts; none of all-routes measured.
        assert!(
            table.contains("`Init Duration` 31.0 ms, p50 of 3"),
            "{table}"
        );
        assert_eq!(table.lines().count(), 9, "{table}");
    }

    #[test]
    fn the_books_table_agrees_with_the_results_beside_it() {
        let measurements =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/src/measurements");
        let scratch = std::env::temp_dir().join(format!("views-{}", std::process::id()));
        std::fs::create_dir_all(scratch.join("yours")).unwrap();
        std::fs::copy(
            measurements.join("results.json"),
            scratch.join("results.json"),
        )
        .unwrap();
        let yours = measurements.join("yours/results.json");
        if yours.exists() {
            std::fs::copy(&yours, scratch.join("yours/results.json")).unwrap();
        }
        write(&scratch).unwrap();
        for page in ["views.md", "choosing.md"] {
            if std::env::var_os("UPDATE_VIEWS").is_some() {
                // After a change to this table's code: rewrite the book's from the same results.
                std::fs::copy(scratch.join(page), measurements.join(page)).unwrap();
            }
            assert_eq!(
                std::fs::read_to_string(scratch.join(page)).unwrap(),
                std::fs::read_to_string(measurements.join(page)).unwrap_or_default(),
                "book/src/measurements/{page} is not what the results beside it give: run `cargo xtask bench`"
            );
        }
        let _ = std::fs::remove_dir_all(&scratch);
    }
}
