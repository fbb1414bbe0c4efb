//! # Chapter 12: operating both
//!
//! [`log_lines`] reads the lines both variants write (chapter 1's `logs::json_lines`) back as
//! JSON objects, the way CloudWatch Logs Insights discovers their fields. [`alarms`] and
//! [`queries`] describe what the stack watches and the questions saved for the logs; [`shipping`]
//! the alias the front doors invoke each function through; [`tracing_setup`] what reaches X-Ray
//! and what it costs, and `traces` (feature `traces`) sends the blog's own spans there. The stack (chapter 6) reads them through [`description`].

pub mod alarms;
pub mod log_lines;
pub mod queries;
pub mod shipping;
#[cfg(feature = "traces")]
pub mod traces;
pub mod tracing_setup;

use serde_json::{Value, json};

/// What the stack needs to build the alarms, the dashboard, the queries and the functions'
/// logging configuration and their alias: the `operating` part of the deployment description.
pub fn description() -> Value {
    json!({
        "functionLogging": alarms::FUNCTION_LOGGING,
        "initDurationMetric": alarms::INIT_DURATION_METRIC,
        "alarms": alarms::alarms(),
        "queries": queries::queries(),
        "functionAlias": shipping::FUNCTION_ALIAS,
        "tracing": tracing_setup::TRACING,
    })
}
