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
    /// The blog's own spans (the request's and the store's), sent by the four functions and the
    /// server to X-Ray's OTLP endpoint in the stack's region: the stack names the endpoint in
    /// their environment, so that this chapter's `traces` module sends them.
    pub export_spans: bool,
    /// The share of the server's requests whose spans it sends. The load balancer samples
    /// nothing, so the server decides, by the trace id, at X-Ray's default rate past the first
    /// request of each second. The functions follow Lambda's decision instead.
    pub container_ratio: f64,
    /// X-Ray's OTLP endpoint for traces; `{region}` is the stack's region.
    pub endpoint: &'static str,
    /// The variables that carry the endpoint and the ratio: the names this chapter's `traces` module
    /// reads (OpenTelemetry's own).
    pub endpoint_variable: &'static str,
    pub ratio_variable: &'static str,
}

pub const TRACING: Tracing = Tracing {
    rest_stages: true,
    functions: "Active",
    export_spans: true,
    container_ratio: FIXED_RATE,
    endpoint: "https://xray.{region}.amazonaws.com/v1/traces",
    endpoint_variable: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    ratio_variable: "OTEL_TRACES_SAMPLER_ARG",
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

// ANCHOR: span_volume
/// The bytes of the blog's own spans a month at `requests_per_second`, steady, when each traced
/// request sends `bytes_per_trace`: the functions send a trace's spans when X-Ray sampled the
/// invocation (the default rule), the server for `TRACING.container_ratio` of its requests.
pub fn span_bytes_per_month(requests_per_second: f64, bytes_per_trace: f64) -> [f64; 2] {
    let functions = traces_per_month(requests_per_second) * bytes_per_trace;
    let container =
        TRACING.container_ratio * requests_per_second * SECONDS_PER_MONTH * bytes_per_trace;
    [functions, container]
}

/// The volume table chapter 12 shows: what X-Ray ingests of the blog's spans at a few rates.
pub fn span_volume_table(rates: &[f64], bytes_per_trace: [usize; 2]) -> String {
    use std::fmt::Write as _;
    let mut out = format!(
        "One create's spans: {} bytes from a function, {} from the server (OTLP protobuf, one request).\n\n",
        bytes_per_trace[0], bytes_per_trace[1]
    );
    out.push_str(
        "| requests a second | functions: GB a month | server: GB a month |\n|---:|---:|---:|\n",
    );
    for &rps in rates {
        let [functions, _] = span_bytes_per_month(rps, bytes_per_trace[0] as f64);
        let [_, container] = span_bytes_per_month(rps, bytes_per_trace[1] as f64);
        let _ = writeln!(
            out,
            "| {rps} | {:.2} | {:.2} |",
            functions / 1e9,
            container / 1e9
        );
    }
    out
}
// ANCHOR_END: span_volume

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
    fn the_servers_spans_follow_its_ratio_and_the_functions_the_default_rule() {
        // 10 requests a second for 730 hours, 100 bytes a trace: the functions send 1 + 5% of 9
        // a second (1.45), the server 5% of 10 (0.5).
        let [functions, container] = span_bytes_per_month(10.0, 100.0);
        assert!(
            (functions - 1.45 * 2_628_000.0 * 100.0).abs() < 1.0,
            "{functions}"
        );
        assert!(
            (container - 0.5 * 2_628_000.0 * 100.0).abs() < 1.0,
            "{container}"
        );
    }

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
