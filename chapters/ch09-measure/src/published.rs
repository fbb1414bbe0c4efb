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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_cold_starts() {
        insta::assert_snapshot!("cold_starts", cold_starts_table());
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
