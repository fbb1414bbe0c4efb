//! What tracing adds to a month of each variant, through chapter 9's cost model.

use ch09_measure::cost::{
    KEEPING_CPU_MS, Workload, book_workload, containers_monthly, functions_monthly,
};
use ch12_operating::tracing_setup::dollars_per_month;

/// The functions' month with X-Ray's traces (the default rule, the free tier) on top.
fn traced_functions(workload: &Workload) -> f64 {
    functions_monthly(workload).total() + dollars_per_month(workload.requests_per_second)
}

/// The rate above which the containers cost less than the functions, with `functions` as the
/// functions' month (by bisection below `max_rps`, as chapter 9's crossover).
fn crossover(base: &Workload, functions: impl Fn(&Workload) -> f64, max_rps: f64) -> f64 {
    let cheaper_as_functions = |rps: f64| {
        let workload = Workload {
            requests_per_second: rps,
            ..*base
        };
        functions(&workload) < containers_monthly(&workload).total()
    };
    let (mut low, mut high) = (0.0, max_rps);
    assert!(cheaper_as_functions(low) && !cheaper_as_functions(high));
    for _ in 0..60 {
        let middle = (low + high) / 2.0;
        if cheaper_as_functions(middle) {
            low = middle;
        } else {
            high = middle;
        }
    }
    (low + high) / 2.0
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
    let without = crossover(&base, |w| functions_monthly(w).total(), 1_000.0);
    let with = crossover(&base, traced_functions, 1_000.0);
    assert!(with < without, "tracing can only make the functions dearer");
    let _ = write!(
        table,
        "\nThe containers cost less above {without:.1} requests a second without tracing, \
         above {with:.1} with it.\n"
    );
    insta::assert_snapshot!("tracing_cost_model", table);
}
// ANCHOR_END: tracing_cost_model
