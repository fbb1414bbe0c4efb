//! What tracing adds to a month of each variant, through chapter 9's cost model.

use ch09_measure::cost::{
    KEEPING_CPU_MS, Workload, book_workload, containers_monthly, crossover_with, functions_monthly,
};
use ch12_operating::tracing_setup::dollars_per_month;

/// The functions' month with X-Ray's traces (the default rule, the free tier) on top.
fn traced_functions(workload: &Workload) -> f64 {
    functions_monthly(workload).total() + dollars_per_month(workload.requests_per_second)
}

// ANCHOR: tracing_cost_model
/// Chapter 9's months with X-Ray's traces, priced per trace recorded, added to the functions (the
/// containers record none: the load balancer samples nothing, and the server's spans go to the
/// OTLP endpoint, which prices by volume). Tracing makes the functions dearer, so the containers
/// cost less from a lower rate.
#[test]
fn tracing_through_the_cost_model() {
    use std::fmt::Write as _;
    let base = book_workload(KEEPING_CPU_MS);
    let at = |rps: f64| Workload {
        requests_per_second: rps,
        ..base
    };
    let mut table = String::from(
        "| requests a second | the functions | with their traces | the containers |\n|---:|---:|---:|---:|\n",
    );
    for rps in [0.1, 1.0, 10.0, 100.0] {
        let _ = writeln!(
            table,
            "| {rps} | ${:.2} | ${:.2} | ${:.2} |",
            functions_monthly(&at(rps)).total(),
            traced_functions(&at(rps)),
            containers_monthly(&at(rps)).total()
        );
    }
    let without = crossover_with(&base, |w| functions_monthly(w).total(), 1_000.0)
        .expect("a crossover below 1,000 requests a second");
    let with = crossover_with(&base, traced_functions, 1_000.0)
        .expect("a crossover below 1,000 requests a second");
    assert!(with < without, "tracing can only make the functions dearer");
    let _ = write!(
        table,
        "\nThe containers cost less above {without:.1} requests a second without tracing, \
         above {with:.1} with it.\n"
    );
    insta::assert_snapshot!("tracing_cost_model", table);
}
// ANCHOR_END: tracing_cost_model
