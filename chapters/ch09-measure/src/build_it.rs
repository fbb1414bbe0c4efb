//! Build it, chapter 9: the exercise's test. It is compiled only with the crate's `build-it`
//! feature (`cargo test -p ch09-measure --features build-it --lib build_it`), and fails until the
//! reader's change is made.

use crate::cost::{Workload, book_workload, containers_monthly, crossover, functions_monthly};

fn at(rps: f64) -> Workload {
    Workload {
        requests_per_second: rps,
        ..book_workload(0.5)
    }
}

/// Both months price the table's requests, one read request unit a request at chapter 6's
/// on-demand price, and the crossover does not move: the table is the same for both variants.
#[test]
fn both_months_price_the_tables_requests_and_the_crossover_stays() {
    let before = crossover(&at(0.0), 1000.0).expect("a crossover");
    for (variant, bill) in [
        ("functions", functions_monthly(&at(10.0))),
        ("containers", containers_monthly(&at(10.0))),
    ] {
        let table = bill
            .parts
            .iter()
            .find(|(part, _)| *part == "DynamoDB requests")
            .unwrap_or_else(|| panic!("the {variant}' month has no \"DynamoDB requests\" part"));
        // 26.28 million requests a month, a read request unit each.
        let by_hand =
            10.0 * 3600.0 * 730.0 * ch06_infrastructure::prices::DYNAMODB_READ_REQUEST.dollars;
        assert!((table.1 - by_hand).abs() < 1e-6, "{variant}: {}", table.1);
    }
    // Both bills rise by the same amount at every rate, so they still meet where they did.
    let after = crossover(&at(0.0), 1000.0).expect("a crossover");
    assert!((after - before).abs() < 0.01, "{before} -> {after}");
}
