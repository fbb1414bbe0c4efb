//! What the stack turns on so that a request's trace reaches X-Ray, and what that costs.

use serde::Serialize;

// ANCHOR: tracing
/// X-Ray tracing on the REST APIs' stages and on every function: API Gateway samples requests
/// (by X-Ray's rules) and records its part; each function the sampled request reaches records
/// its own, in the same trace, whose id (`Root`) every log line carries as `trace_id`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tracing {
    /// API Gateway's active tracing on each REST API stage.
    pub rest_stages: bool,
    /// Lambda's tracing mode for every function: `Active` or `PassThrough`.
    pub functions: &'static str,
}

pub const TRACING: Tracing = Tracing {
    rest_stages: true,
    functions: "Active",
};
// ANCHOR_END: tracing

// ANCHOR: sampling
/// X-Ray's default sampling rule: the first request of each second, then 5% of the others
/// ("1 request per second, with 5 percent of requests sampled past that limit").
pub const RESERVOIR_PER_SECOND: f64 = 1.0;
pub const FIXED_RATE: f64 = 0.05;

/// Traces recorded a month for free, and the price of each one after them.
pub const FREE_TRACES_PER_MONTH: f64 = 100_000.0;
pub const DOLLARS_PER_TRACE: f64 = 5.0 / 1_000_000.0;

/// Seconds in a month as AWS prices one: 730 hours.
pub const SECONDS_PER_MONTH: f64 = 730.0 * 3600.0;

/// The traces X-Ray records in a month of `requests_per_second`, steady, by the default rule.
pub fn traces_per_month(requests_per_second: f64) -> f64 {
    let sampled = requests_per_second.min(RESERVOIR_PER_SECOND)
        + FIXED_RATE * (requests_per_second - RESERVOIR_PER_SECOND).max(0.0);
    sampled * SECONDS_PER_MONTH
}

/// What those traces cost a month, past the free tier.
pub fn dollars_per_month(requests_per_second: f64) -> f64 {
    (traces_per_month(requests_per_second) - FREE_TRACES_PER_MONTH).max(0.0) * DOLLARS_PER_TRACE
}
// ANCHOR_END: sampling

/// The month of tracing at a few steady rates: the table chapter 12 shows.
pub fn cost_table(rates: &[f64]) -> String {
    use std::fmt::Write as _;
    let mut out = String::from(
        "| requests a second | requests a month | traces recorded | share traced | tracing a month |\n|---:|---:|---:|---:|---:|\n",
    );
    for &rps in rates {
        let requests = rps * SECONDS_PER_MONTH;
        let traces = traces_per_month(rps);
        let _ = writeln!(
            out,
            "| {rps} | {:.0} | {:.0} | {:.1}% | ${:.2} |",
            requests,
            traces,
            if requests > 0.0 {
                100.0 * traces / requests
            } else {
                0.0
            },
            dollars_per_month(rps),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_one_request_a_second_every_request_is_traced() {
        assert_eq!(traces_per_month(0.5), 0.5 * SECONDS_PER_MONTH);
        // 0.5 a second is 1,314,000 traces: 1,214,000 past the free tier at $5 a million.
        assert!((dollars_per_month(0.5) - 6.07).abs() < 1e-9);
    }

    #[test]
    fn past_one_a_second_five_percent_of_the_rest() {
        assert_eq!(traces_per_month(21.0), 2.0 * SECONDS_PER_MONTH);
        assert_eq!(dollars_per_month(0.0), 0.0);
        // Under 100,000 traces a month (0.038 requests a second) costs nothing.
        assert_eq!(dollars_per_month(0.03), 0.0);
    }

    #[test]
    fn the_table_at_the_cost_models_rates() {
        insta::assert_snapshot!("tracing_cost", cost_table(&[0.01, 0.1, 1.0, 10.0, 100.0]));
    }
}
