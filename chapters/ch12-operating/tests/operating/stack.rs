//! What the stack builds from chapter 12's description: the table the chapter shows, and the
//! saved queries reading only fields the request lines have.

use ch12_operating::alarms::{Watches, alarms, alarms_table};
use ch12_operating::log_lines::FIELDS;
use ch12_operating::queries::{FOLDER, queries};

#[test]
fn the_alarms_table() {
    insta::assert_snapshot!(alarms_table());
}

/// Both variants have an alarm for the share of 5xx and for the p99, each on its own front door.
#[test]
fn each_variant_is_watched_for_errors_and_slowness() {
    for watches in [Watches::Functions, Watches::Containers] {
        let ids: Vec<&str> = alarms()
            .iter()
            .filter(|alarm| alarm.watches == watches)
            .map(|alarm| alarm.id)
            .collect();
        assert!(ids.iter().any(|id| id.ends_with("ErrorRate")), "{ids:?}");
        assert!(ids.iter().any(|id| id.ends_with("P99Latency")), "{ids:?}");
    }
    let mut ids: Vec<&str> = alarms().iter().map(|alarm| alarm.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        ids.len(),
        alarms().len(),
        "alarm ids are construct ids: one each"
    );
}

/// A saved query that names a field the lines do not have finds nothing, silently: each query's
/// fields are the request line's, and each appears in its text.
#[test]
fn the_saved_queries_read_fields_the_lines_have() {
    for query in queries() {
        assert!(
            query.name.starts_with(&format!("{FOLDER}/")),
            "{}",
            query.name
        );
        for field in query.reads {
            assert!(FIELDS.contains(field), "{}: {field}", query.name);
            assert!(query.query.contains(field), "{}: {field}", query.name);
        }
    }
}
