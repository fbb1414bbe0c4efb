//! Build it, chapter 9: the exercise's test. It is compiled only with the crate's `build-it`
//! feature (`cargo test -p ch09-measure --features build-it --lib build_it`), and fails until the
//! reader's change is made.

use crate::cost::{
    Bill, Keeping, Workload, book_workload, containers_monthly, crossover, crossover_kept,
    functions_kept,
};

fn at(rps: f64) -> Workload {
    Workload {
        requests_per_second: rps,
        ..book_workload(0.5)
    }
}

/// The bill's "DynamoDB requests" part, if it has one.
fn table_part(bill: &Bill) -> Option<f64> {
    bill.parts
        .iter()
        .find(|(part, _)| *part == "DynamoDB requests")
        .map(|(_, dollars)| *dollars)
}

/// Every month prices the table's requests, one read request unit a request at chapter 6's
/// on-demand price: the containers' and the functions' however they are kept. And no crossover
/// moves: where the bills meet with the part, they also meet without it.
#[test]
fn both_months_price_the_tables_requests_and_the_crossover_stays() {
    let keepings = [
        Keeping::OnDemand,
        Keeping::Provisioned {
            environments_per_function: 1,
        },
        Keeping::ManagedInstances { instances: 3 },
    ];
    // 26.28 million requests a month, a read request unit each.
    let by_hand =
        10.0 * 3600.0 * 730.0 * ch06_infrastructure::prices::DYNAMODB_READ_REQUEST.dollars;
    let bills = keepings
        .iter()
        .map(|keeping| {
            (
                format!("functions ({keeping:?})"),
                functions_kept(&at(10.0), *keeping),
            )
        })
        .chain([("containers".to_owned(), containers_monthly(&at(10.0)))]);
    for (variant, bill) in bills {
        let part = table_part(&bill)
            .unwrap_or_else(|| panic!("the {variant} month has no \"DynamoDB requests\" part"));
        assert!((part - by_hand).abs() < 1e-6, "{variant}: {part}");
    }
    // Both bills rise by the same amount at every rate, so without the part they meet where
    // they meet with it.
    for keeping in keepings {
        let Some(rate) = crossover_kept(&at(0.0), keeping, 1000.0).filter(|rate| *rate > 0.0)
        else {
            continue;
        };
        let without = |bill: Bill| bill.total() - table_part(&bill).unwrap_or(0.0);
        let functions = without(functions_kept(&at(rate), keeping));
        let containers = without(containers_monthly(&at(rate)));
        assert!(
            (functions - containers).abs() < 1e-3 * containers,
            "{keeping:?}: at {rate:.2} requests a second the bills without the table are \
             {functions:.2} and {containers:.2}"
        );
    }
    assert!(crossover(&at(0.0), 1000.0).is_some());
}
