//! Cold starts measured on AWS by others, beside this machine's: the daily run of lambda-perf
//! (github.com/maxday/lambda-perf), which deploys a hello-world function per runtime and forces
//! ten cold starts of each a day, reading `Init Duration` from each `REPORT` line. The rows this
//! book compares (arm64, 512 MB) are kept in `published/`, with the run's date and commit, and the
//! table below is generated from that file. Beside them, one published comparison of latency
//! and cost, of a Rust service on both runtimes (Yalovoy, June 2026), kept the same way.

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
/// The published cold starts: a markdown table, and where the figures come from.
pub fn cold_starts_table() -> String {
    let published = lambda_perf();
    let first = published.rows.first().expect("the file has rows");
    let mut out = String::from(
        "| hello-world function | package | Init Duration, mean | lowest–highest | max memory used |\n|---|---|---:|---:|---:|\n",
    );
    for row in &published.rows {
        let low = row.init_ms.iter().copied().fold(f64::INFINITY, f64::min);
        let high = row.init_ms.iter().copied().fold(0.0, f64::max);
        let mean = row.init_ms.iter().sum::<f64>() / row.init_ms.len() as f64;
        let _ = writeln!(
            out,
            "| {} | {} | {mean:.1} ms | {low:.1}–{high:.1} ms | {:.0} MB |",
            row.runtime, row.package, row.mean_max_memory_mb,
        );
    }
    let _ = writeln!(
        out,
        "\nOn AWS, {} at {} MB: lambda-perf's run generated {}, <{}>. Each function was deployed fresh and started cold {} times that day (a configuration change, then an invocation); the figures are Lambda's `Init Duration` from each `REPORT` line. The region is not published.",
        first.architecture,
        first.memory_mb,
        published.generated_at,
        published.source,
        first.init_ms.len()
    );
    out
}
// ANCHOR_END: table

/// Illya Yalovoy's measurements of one Rust service on Lambda and on Fargate (June 2026), as
/// its public summary gives them.
pub const YALOVOY: &str = include_str!("../published/yalovoy-2026-06.json");

#[derive(Debug, Deserialize)]
pub struct Yalovoy {
    pub source: String,
    pub read: String,
    pub access: String,
    pub workload: String,
    pub latency: Vec<YalovoyLatency>,
    pub cost: Vec<YalovoyCost>,
}

#[derive(Debug, Deserialize)]
pub struct YalovoyLatency {
    pub measure: String,
    /// How much lower Fargate's figure was than Lambda's.
    pub fargate_better_by: Option<String>,
    pub lambda: Option<String>,
    pub fargate: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct YalovoyCost {
    pub traffic: String,
    pub cheaper: String,
}

pub fn yalovoy() -> Yalovoy {
    serde_json::from_str(YALOVOY).expect("the committed file is this book's summary of the post")
}

impl YalovoyLatency {
    /// What the measure says, in words.
    pub fn finding(&self) -> String {
        match (&self.fargate_better_by, &self.lambda, &self.fargate) {
            (Some(by), _, _) => format!("Fargate's {by} lower than Lambda's"),
            (None, Some(lambda), Some(fargate)) => format!("Lambda {lambda}, Fargate {fargate}"),
            _ => panic!("{}: neither a ratio nor both figures", self.measure),
        }
    }
}

// ANCHOR: latency_table
/// The published latency and cost of one Rust service on both runtimes: a markdown table, and
/// where the figures come from.
pub fn latency_table() -> String {
    let published = yalovoy();
    let mut out = String::from("| measured on AWS | found |\n|---|---|\n");
    for row in &published.latency {
        let _ = writeln!(out, "| latency, {} | {} |", row.measure, row.finding());
    }
    for row in &published.cost {
        let _ = writeln!(out, "| cost at {} | {} |", row.traffic, row.cheaper);
    }
    let _ = writeln!(
        out,
        "\nOn AWS: {}. From {} (read {}; {}).",
        published.workload, published.source, published.read, published.access
    );
    out
}
// ANCHOR_END: latency_table

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_cold_starts() {
        insta::assert_snapshot!("cold_starts", cold_starts_table());
    }

    #[test]
    fn published_latency_and_cost() {
        insta::assert_snapshot!("latency_and_cost", latency_table());
    }

    #[test]
    fn every_published_latency_row_says_what_it_found() {
        for row in &yalovoy().latency {
            assert!(!row.finding().is_empty(), "{}", row.measure);
        }
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
