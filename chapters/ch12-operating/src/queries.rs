//! The questions a person asks of the logs, saved as CloudWatch Logs Insights queries in the
//! stack: each runs on the log groups that can answer it, from the console's "Saved queries".

use serde::Serialize;

use crate::alarms::Watches;

/// One saved query.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Query {
    /// Its name in the console; the `/` makes a folder.
    pub name: &'static str,
    /// Whose log groups it runs on.
    pub log_groups: &'static [Watches],
    /// In the Logs Insights query language.
    pub query: &'static str,
    /// The request line's fields it reads (chapter 12's `FIELDS`), or none for the platform's
    /// own records.
    #[serde(skip)]
    pub reads: &'static [&'static str],
}

/// Where the saved queries sit in the console.
pub const FOLDER: &str = "serverless-blog";

// ANCHOR: queries
/// Every saved query of the stack.
pub fn queries() -> Vec<Query> {
    const BOTH: &[Watches] = &[Watches::Functions, Watches::Containers];
    vec![
        Query {
            name: "serverless-blog/errors by code",
            log_groups: BOTH,
            query: "filter message = \"request\" and status >= 400\n\
                    | stats count(*) as answers by status, code, route\n\
                    | sort answers desc",
            reads: &["message", "status", "code", "route"],
        },
        Query {
            name: "serverless-blog/slowest requests",
            log_groups: BOTH,
            query: "filter message = \"request\"\n\
                    | sort duration_ms desc\n\
                    | limit 20\n\
                    | fields @timestamp, request_id, trace_id, method, route, status, duration_ms, store_op, store_ms, @log",
            reads: &[
                "message",
                "request_id",
                "trace_id",
                "method",
                "route",
                "status",
                "duration_ms",
                "store_op",
                "store_ms",
            ],
        },
        Query {
            name: "serverless-blog/server errors with their detail",
            log_groups: BOTH,
            query: "filter message = \"request\" and status >= 500\n\
                    | sort @timestamp desc\n\
                    | fields @timestamp, request_id, trace_id, route, status, code, detail, @log",
            reads: &[
                "message",
                "request_id",
                "trace_id",
                "route",
                "status",
                "code",
                "detail",
            ],
        },
        // ANCHOR: cold_starts
        Query {
            name: "serverless-blog/cold starts",
            log_groups: &[Watches::Functions],
            query: "filter type = \"platform.report\" and ispresent(record.metrics.initDurationMs)\n\
                    | stats count(*) as cold_starts, avg(record.metrics.initDurationMs) as avg_init_ms, \
                    max(record.metrics.initDurationMs) as max_init_ms by bin(1h)",
            reads: &[],
        },
        // ANCHOR_END: cold_starts
    ]
}
// ANCHOR_END: queries
