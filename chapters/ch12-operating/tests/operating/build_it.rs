//! Build it, chapter 12: the exercise's test. It is compiled only with the crate's `build-it`
//! feature (`cargo test -p ch12-operating --features build-it --test operating build_it`), and
//! fails until the reader's change is made.

use ch12_operating::alarms::{Comparison, Signal, alarms};

/// Each variant has a second alarm on its share of 5xx answers, for an outage rather than a
/// slow leak: over 1 in 10 in each of the last three one-minute periods. The quarter-hour alarms
/// stay as they are.
#[test]
fn each_variant_has_an_error_burst_alarm() {
    let every = alarms();
    for (id, slow, signal) in [
        (
            "FunctionsErrorBurst",
            "FunctionsErrorRate",
            Signal::GatewayErrorRate,
        ),
        (
            "ContainersErrorBurst",
            "ContainersErrorRate",
            Signal::LoadBalancerErrorRate,
        ),
    ] {
        let ids: Vec<&str> = every.iter().map(|alarm| alarm.id).collect();
        assert!(ids.contains(&slow), "{slow} is still there: {ids:?}");
        let Some(burst) = every.iter().find(|alarm| alarm.id == id) else {
            panic!("no alarm {id}; the alarms are {ids:?}");
        };
        assert_eq!(
            burst.signal, signal,
            "{id} reads the variant's share of 5xx"
        );
        assert_eq!(burst.statistic, "Average", "{id}: the average is the share");
        assert_eq!(burst.comparison, Comparison::GreaterThanThreshold, "{id}");
        assert_eq!(
            (
                burst.threshold,
                burst.period_seconds,
                burst.datapoints_to_alarm,
                burst.evaluation_periods
            ),
            (0.1, 60, 3, 3),
            "{id} fires on over 1 in 10, in 3 of the last 3 one-minute periods: it {}",
            burst.fires_when()
        );
        assert!(
            burst.missing_data_is_fine,
            "{id}: a minute with no traffic is no outage"
        );
        assert!(!burst.means.is_empty(), "{id} says what to do");
    }
}
