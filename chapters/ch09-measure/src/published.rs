//! Cold starts measured on AWS by others, beside this machine's: the daily run of lambda-perf
//! (github.com/maxday/lambda-perf), which deploys a hello-world function per runtime and forces
//! ten cold starts of each a day, reading `Init Duration` from each `REPORT` line. The rows this
//! book compares (arm64, 512 MB) are kept in `published/`, with the run's date and commit, and the
//! table below is generated from that file.

use std::fmt::Write as _;

use serde::Deserialize;

/// lambda-perf's run of 2026-08-22, the rows this book compares.
pub const LAMBDA_PERF: &str = include_str!("../published/lambda-perf-2026-08-22.json");

#[derive(Debug, Deserialize)]
pub struct LambdaPerf {
    pub source: String,
    pub generated_at: String,
    pub rows: Vec<LambdaPerfRow>,
}

#[derive(Debug, Deserialize)]
pub struct LambdaPerfRow {
    pub runtime: String,
    pub package: String,
    pub memory_mb: u32,
    pub architecture: String,
    /// The `Init Duration` of each of the day's forced cold starts.
    pub init_ms: Vec<f64>,
    pub mean_max_memory_mb: f64,
}

pub fn lambda_perf() -> LambdaPerf {
    serde_json::from_str(LAMBDA_PERF).expect("the committed file is lambda-perf's JSON")
}

// ANCHOR: table
/// The published cold starts, with this machine's hello-world function first when its init is
/// known (`cargo xtask bench`'s `results.json`): a markdown table, and where the figures come from.
pub fn cold_starts_table(this_machine_init_p50_ms: Option<f64>) -> String {
    let published = lambda_perf();
    let mut out = String::from(
        "| where | function | package | Init Duration | lowest–highest | max memory used |\n|---|---|---|---:|---:|---:|\n",
    );
    if let Some(p50) = this_machine_init_p50_ms {
        let _ = writeln!(
            out,
            "| this machine (chapter 9's harness, a whole CPU) | Rust hello-world | binary | {p50:.1} ms (p50) | | |"
        );
    }
    for row in &published.rows {
        let low = row.init_ms.iter().copied().fold(f64::INFINITY, f64::min);
        let high = row.init_ms.iter().copied().fold(0.0, f64::max);
        let mean = row.init_ms.iter().sum::<f64>() / row.init_ms.len() as f64;
        let _ = writeln!(
            out,
            "| AWS, lambda-perf ({} at {} MB) | {} hello-world | {} | {mean:.1} ms (mean of {}) | {low:.1}–{high:.1} ms | {:.0} MB |",
            row.architecture,
            row.memory_mb,
            row.runtime,
            row.package,
            row.init_ms.len(),
            row.mean_max_memory_mb,
        );
    }
    let _ = writeln!(
        out,
        "\nAWS rows: lambda-perf's run generated {}, <{}>: each function deployed fresh and started cold ten times that day (a configuration change, then an invocation); Lambda's `Init Duration` from each `REPORT` line. The region is not published.",
        published.generated_at, published.source
    );
    out
}
// ANCHOR_END: table

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_cold_starts_beside_this_machines() {
        // This machine's figure is the committed one `cargo xtask bench` wrote.
        let results: serde_json::Value =
            serde_json::from_str(include_str!("../../../book/src/measurements/results.json"))
                .expect("results.json is JSON");
        let p50 = results["hello_function"]["init_ms"]["p50"].as_f64();
        assert!(
            p50.is_some(),
            "results.json has the hello-world function's init"
        );
        insta::assert_snapshot!("cold_starts", cold_starts_table(p50));
    }

    #[test]
    fn every_published_row_has_ten_cold_starts() {
        let published = lambda_perf();
        assert!(!published.rows.is_empty());
        for row in &published.rows {
            assert_eq!(row.init_ms.len(), 10, "{} {}", row.runtime, row.package);
        }
    }
}
