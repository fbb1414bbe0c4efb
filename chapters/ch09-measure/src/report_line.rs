//! Lambda's `REPORT` line: the one line of plain text Lambda writes to a function's log after each
//! invocation, with what it measured and billed. On AWS, it is where a cold start's `Init Duration`
//! is (only on the first invocation of an execution environment), next to the invocation's own
//! `Duration`, the `Billed Duration` and the `Max Memory Used`.
//!
//! A function whose logging configuration is JSON (the stack's, chapter 12) gets the same figures
//! as one JSON object instead, a `platform.report` record; [`parse_event`] reads either.
//!
//! The fields are `Name: value` pairs separated by tabs, after `REPORT `; which fields appear
//! depends on the invocation (`Init Duration` on a cold start, `Status` and `Error Type` when it
//! failed, the `XRAY` fields when tracing is on), so the parser reads them by name and ignores
//! names it does not know.

use std::fmt;

// ANCHOR: report
/// What one `REPORT` line says.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub request_id: String,
    /// The invocation's own duration, in milliseconds.
    pub duration_ms: f64,
    /// What Lambda billed, in whole milliseconds.
    pub billed_duration_ms: u64,
    pub memory_size_mb: u32,
    pub max_memory_used_mb: u32,
    /// The execution environment's init, on its first invocation only: a cold start.
    pub init_duration_ms: Option<f64>,
    /// `timeout` or `error` when the invocation failed; absent when it succeeded.
    pub status: Option<String>,
    /// What failed (`Runtime.ExitError`, ...), with `status`.
    pub error_type: Option<String>,
}

impl Report {
    /// A cold start: the line carries the init's duration.
    pub fn is_cold_start(&self) -> bool {
        self.init_duration_ms.is_some()
    }
}
// ANCHOR_END: report

/// Why a line is not a `REPORT` line this parser can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    NotAReport,
    /// A field every report has is missing.
    Missing(&'static str),
    /// A field's value is not what its name says (`Duration: fast`).
    Malformed {
        field: String,
        value: String,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAReport => f.write_str("not a REPORT line"),
            Self::Missing(field) => write!(f, "the REPORT line has no {field}"),
            Self::Malformed { field, value } => {
                write!(
                    f,
                    "the REPORT line's {field} is {value:?}, not a number with its unit"
                )
            }
        }
    }
}

impl std::error::Error for ParseError {}

// ANCHOR: parse
/// The names a `REPORT` line may carry, longest first where one ends another (`Billed Duration`
/// before `Duration`).
const NAMES: [&str; 13] = [
    "Billed Restore Duration",
    "Restore Duration",
    "Max Memory Used",
    "Billed Duration",
    "Init Duration",
    "XRAY TraceId",
    "Memory Size",
    "Error Type",
    "RequestId",
    "SegmentId",
    "Duration",
    "Sampled",
    "Status",
];

/// Reads one `REPORT` line. Lambda separates the fields with tabs, but AWS's own examples also
/// show single spaces, runs of spaces, a space before a tab, and a trailing tab: the parser finds
/// each field by its name instead of splitting on one separator.
pub fn parse(line: &str) -> Result<Report, ParseError> {
    let fields = line.strip_prefix("REPORT ").ok_or(ParseError::NotAReport)?;
    let values = fields_of(fields);
    let get = |name: &str| values.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    let number_of = |name: &'static str, unit: &str| -> Result<Option<f64>, ParseError> {
        get(name).map(|value| number(name, value, unit)).transpose()
    };
    let required = |name: &'static str, unit: &str| -> Result<f64, ParseError> {
        number_of(name, unit)?.ok_or(ParseError::Missing(name))
    };
    Ok(Report {
        request_id: get("RequestId")
            .ok_or(ParseError::Missing("RequestId"))?
            .to_owned(),
        duration_ms: required("Duration", "ms")?,
        billed_duration_ms: required("Billed Duration", "ms")? as u64,
        memory_size_mb: required("Memory Size", "MB")? as u32,
        max_memory_used_mb: required("Max Memory Used", "MB")? as u32,
        init_duration_ms: number_of("Init Duration", "ms")?,
        status: get("Status").map(str::to_owned),
        error_type: get("Error Type").map(str::to_owned),
    })
}

/// Each `Name: value` of `fields`, in order: a name counts where it starts the text or follows
/// whitespace, and its value runs to the next name.
fn fields_of(fields: &str) -> Vec<(&'static str, &str)> {
    let mut starts: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut at = 0;
    while at < fields.len() {
        let boundary = at == 0 || fields[..at].ends_with(char::is_whitespace);
        let found = boundary
            .then(|| {
                NAMES
                    .iter()
                    .find(|name| fields[at..].starts_with(&format!("{name}: ")))
            })
            .flatten();
        match found {
            Some(name) => {
                let value_at = at + name.len() + 2;
                starts.push((at, value_at, name));
                at = value_at;
            }
            None => at += fields[at..].chars().next().map_or(1, char::len_utf8),
        }
    }
    starts
        .iter()
        .enumerate()
        .map(|(i, &(_, value_at, name))| {
            let end = starts.get(i + 1).map_or(fields.len(), |next| next.0);
            (name, fields[value_at..end].trim())
        })
        .collect()
}

// ANCHOR: parse_event
/// A log event's report, in either of Lambda's log formats: the text `REPORT` line, or the JSON
/// format's `platform.report` record (`{"type": "platform.report", "record": {"requestId": ...,
/// "status": "success", "metrics": {"durationMs": ..., "initDurationMs": ...}}}`, the fields of
/// the Telemetry API's schema). `None` for any other event.
pub fn parse_event(message: &str) -> Result<Option<Report>, ParseError> {
    if message.starts_with("REPORT ") {
        return parse(message).map(Some);
    }
    let Ok(event) = serde_json::from_str::<serde_json::Value>(message) else {
        return Ok(None);
    };
    if event["type"] != "platform.report" {
        return Ok(None);
    }
    let record = &event["record"];
    let metric = |name: &'static str| -> Result<Option<f64>, ParseError> {
        match &record["metrics"][name] {
            serde_json::Value::Null => Ok(None),
            value => value
                .as_f64()
                .filter(|number| number.is_finite() && *number >= 0.0)
                .map(Some)
                .ok_or_else(|| ParseError::Malformed {
                    field: name.to_owned(),
                    value: value.to_string(),
                }),
        }
    };
    let required = |name: &'static str| metric(name)?.ok_or(ParseError::Missing(name));
    let text = |value: &serde_json::Value| value.as_str().map(str::to_owned);
    Ok(Some(Report {
        request_id: text(&record["requestId"]).ok_or(ParseError::Missing("requestId"))?,
        duration_ms: required("durationMs")?,
        billed_duration_ms: required("billedDurationMs")? as u64,
        memory_size_mb: required("memorySizeMB")? as u32,
        max_memory_used_mb: required("maxMemoryUsedMB")? as u32,
        init_duration_ms: metric("initDurationMs")?,
        // The text line says nothing on success; the record says `success`.
        status: text(&record["status"]).filter(|status| status != "success"),
        error_type: text(&record["errorType"]),
    }))
}
// ANCHOR_END: parse_event

/// `12.34 ms` as 12.34: a number, then its unit.
fn number(field: &str, value: &str, unit: &str) -> Result<f64, ParseError> {
    value
        .strip_suffix(unit)
        .map(str::trim)
        .and_then(|number| number.parse::<f64>().ok())
        .filter(|number| number.is_finite() && *number >= 0.0)
        .ok_or_else(|| ParseError::Malformed {
            field: field.to_owned(),
            value: value.to_owned(),
        })
}
// ANCHOR_END: parse

#[cfg(test)]
mod tests {
    //! Every line below is quoted from AWS's Lambda Developer Guide, character for character,
    //! tabs written as `\t` (read 2026-12-03; the tab-exact text is the guide's published source,
    //! github.com/awsdocs/aws-lambda-developer-guide, `doc_source/`, as of its last commit).
    use super::*;

    /// golang-logging.html: a cold start, with the trailing tab.
    const GO_COLD: &str = "REPORT RequestId: dbda340c-xmpl-4031-8810-11bb609b4c71\tDuration: 38.66 ms\tBilled Duration: 39 ms\tMemory Size: 128 MB\tMax Memory Used: 54 MB\tInit Duration: 203.69 ms\t";
    /// nodejs-logging.html: a cold start with the X-Ray fields on the same line.
    const NODE_COLD_XRAY: &str = "REPORT RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac\tDuration: 128.83 ms\tBilled Duration: 200 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\tInit Duration: 166.62 ms\tXRAY TraceId: 1-5d9d007f-0a8c7fd02xmpl480aed55ef0\tSegmentId: 3d752xmpl1bbe37e\tSampled: true";
    /// best-practices.html: a warm call, with a space (not a tab) before `Memory Size`.
    const WARM_BEST_PRACTICES: &str = "REPORT RequestId: 3604209a-e9a3-11e6-939a-754dd98c7be3\tDuration: 12.34 ms\tBilled Duration: 100 ms Memory Size: 128 MB\tMax Memory Used: 18 MB";
    /// gettingstarted-awscli.html: the `message` CloudWatch Logs stores for a warm call.
    const WARM_CLOUDWATCH: &str = "REPORT RequestId: 4ce9340a-b765-490f-ad8a-02ab3415e2bf\tDuration: 26.73 ms\tBilled Duration: 27 ms \tMemory Size: 128 MB\tMax Memory Used: 75 MB\t\n";
    /// lambda-runtime-environment.html, "Failures during the invoke phase": a timeout.
    const TIMEOUT: &str = "REPORT RequestId: 527cb862-4f5e-49a9-9ae4-a7edc90f0fda Duration: 3016.78 ms Billed Duration: 3101 ms Memory Size: 128 MB Max Memory Used: 31 MB Init Duration: 84.00 ms Status: timeout";
    /// The same page: a runtime that exited.
    const CRASH: &str = "REPORT RequestId: 5b866fb1-7154-4af6-8078-6ef6ca4c2ddd Duration: 133.61 ms Billed Duration: 214 ms Memory Size: 128 MB Max Memory Used: 31 MB Init Duration: 80.00 ms Status: error Error Type: Runtime.ExitError";
    /// python-logging.html: runs of spaces.
    const PYTHON_SPACES: &str = "REPORT RequestId: 8f507cfc-xmpl-4697-b07a-ac58fc914c95  Duration: 15.74 ms  Billed Duration: 147 ms Memory Size: 128 MB Max Memory Used: 56 MB  Init Duration: 130.49 ms";

    #[test]
    fn a_cold_start_carries_its_init_duration() {
        assert_eq!(
            parse(GO_COLD),
            Ok(Report {
                request_id: "dbda340c-xmpl-4031-8810-11bb609b4c71".to_owned(),
                duration_ms: 38.66,
                billed_duration_ms: 39,
                memory_size_mb: 128,
                max_memory_used_mb: 54,
                init_duration_ms: Some(203.69),
                status: None,
                error_type: None,
            })
        );
        let node = parse(NODE_COLD_XRAY).unwrap();
        assert_eq!(node.init_duration_ms, Some(166.62));
        assert_eq!(node.max_memory_used_mb, 74);
        assert!(node.is_cold_start());
        assert_eq!(parse(PYTHON_SPACES).unwrap().init_duration_ms, Some(130.49));
    }

    #[test]
    fn a_warm_call_has_none() {
        let warm = parse(WARM_BEST_PRACTICES).unwrap();
        assert_eq!(
            (
                warm.duration_ms,
                warm.billed_duration_ms,
                warm.memory_size_mb
            ),
            (12.34, 100, 128)
        );
        assert!(!warm.is_cold_start());
        let stored = parse(WARM_CLOUDWATCH).unwrap();
        assert_eq!(stored.request_id, "4ce9340a-b765-490f-ad8a-02ab3415e2bf");
        assert_eq!(
            (stored.billed_duration_ms, stored.max_memory_used_mb),
            (27, 75)
        );
        assert_eq!(stored.init_duration_ms, None);
    }

    #[test]
    fn a_failed_call_says_how() {
        let timeout = parse(TIMEOUT).unwrap();
        assert_eq!(timeout.status.as_deref(), Some("timeout"));
        assert_eq!(timeout.error_type, None);
        assert_eq!(timeout.duration_ms, 3016.78);
        let crash = parse(CRASH).unwrap();
        assert_eq!(crash.status.as_deref(), Some("error"));
        assert_eq!(crash.error_type.as_deref(), Some("Runtime.ExitError"));
        assert_eq!(crash.init_duration_ms, Some(80.0));
    }

    /// The same cold start as [`GO_COLD`], as the JSON log format's `platform.report` record.
    const JSON_COLD: &str = r#"{"time":"2026-12-03T10:00:00.000Z","type":"platform.report","record":{"requestId":"dbda340c-xmpl-4031-8810-11bb609b4c71","metrics":{"durationMs":38.66,"billedDurationMs":39,"memorySizeMB":128,"maxMemoryUsedMB":54,"initDurationMs":203.69},"status":"success"}}"#;

    #[test]
    fn the_json_format_says_the_same_as_the_text_line() {
        assert_eq!(parse_event(JSON_COLD), parse(GO_COLD).map(Some));
        assert_eq!(parse_event(GO_COLD), parse(GO_COLD).map(Some));
        let warm = JSON_COLD.replace(r#","initDurationMs":203.69"#, "");
        assert_eq!(parse_event(&warm).unwrap().unwrap().init_duration_ms, None);
        let timeout = JSON_COLD.replace(r#""status":"success""#, r#""status":"timeout""#);
        assert_eq!(
            parse_event(&timeout).unwrap().unwrap().status.as_deref(),
            Some("timeout")
        );
        // Our own lines and the platform's other records are not reports.
        assert_eq!(
            parse_event(r#"{"level":"INFO","message":"request"}"#),
            Ok(None)
        );
        assert_eq!(
            parse_event(r#"{"type":"platform.start","record":{"requestId":"x"}}"#),
            Ok(None)
        );
        assert_eq!(
            parse_event(&JSON_COLD.replace("38.66", "\"fast\"")),
            Err(ParseError::Malformed {
                field: "durationMs".to_owned(),
                value: "\"fast\"".to_owned()
            })
        );
    }

    #[test]
    fn anything_else_is_an_error_that_says_what() {
        assert_eq!(
            parse("START RequestId: 527cb862 Version: $LATEST"),
            Err(ParseError::NotAReport)
        );
        assert_eq!(
            parse(
                "REPORT RequestId: x\tDuration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB"
            ),
            Err(ParseError::Missing("Billed Duration"))
        );
        assert_eq!(
            parse(&GO_COLD.replace("38.66 ms", "fast")),
            Err(ParseError::Malformed {
                field: "Duration".to_owned(),
                value: "fast".to_owned()
            })
        );
    }
}
