//! The request lines of a log, read back as JSON: what a query in CloudWatch Logs Insights sees.

use serde_json::{Map, Value};

// ANCHOR: fields
/// The fields of a request's line, in the order a person reads them. `trace_id` only when the
/// request came with an X-Ray trace, `store_op` and `store_ms` only when the store was asked,
/// `code` only on an error, `detail` only on a `5xx`.
pub const FIELDS: [&str; 13] = [
    "timestamp",
    "level",
    "message",
    "request_id",
    "trace_id",
    "method",
    "route",
    "status",
    "duration_ms",
    "store_op",
    "store_ms",
    "code",
    "detail",
];
// ANCHOR_END: fields

/// One line of the log, as the object it is.
pub type Line = Map<String, Value>;

/// Every line, each parsed as one JSON object; a line that is not one is an error naming it.
pub fn parse(lines: &[String]) -> Result<Vec<Line>, String> {
    lines
        .iter()
        .map(|line| match serde_json::from_str(line) {
            Ok(Value::Object(object)) => Ok(object),
            _ => Err(format!("not a JSON object: {line}")),
        })
        .collect()
}

/// The request lines (`"message": "request"`): one per answer of the blog.
pub fn requests(lines: &[Line]) -> impl Iterator<Item = &Line> {
    lines
        .iter()
        .filter(|line| line.get("message").and_then(Value::as_str) == Some("request"))
}

/// The request lines whose `request_id` is `id`.
pub fn of_request<'a>(lines: &'a [Line], id: &str) -> Vec<&'a Line> {
    requests(lines)
        .filter(|line| line.get("request_id").and_then(Value::as_str) == Some(id))
        .collect()
}

/// A line's field names, in the order of [`FIELDS`] (any other after them).
pub fn field_names(line: &Line) -> Vec<&str> {
    let mut names: Vec<&str> = line.keys().map(String::as_str).collect();
    names.sort_by_key(|name| {
        FIELDS
            .iter()
            .position(|field| field == name)
            .unwrap_or(FIELDS.len())
    });
    names
}

/// Two lines as a Markdown table, one row per field of either, in the first's order.
pub fn side_by_side(functions: &Line, container: &Line) -> String {
    let mut names: Vec<&str> = field_names(functions);
    names.extend(
        field_names(container)
            .into_iter()
            .filter(|name| !functions.contains_key(*name)),
    );
    names.sort_by_key(|name| {
        FIELDS
            .iter()
            .position(|field| field == name)
            .unwrap_or(FIELDS.len())
    });
    let cell = |line: &Line, name: &str| match line.get(name) {
        None => "(none)".to_owned(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    };
    let mut table = String::from("| field | functions | container |\n|---|---|---|\n");
    for name in names {
        table.push_str(&format!(
            "| `{name}` | {} | {} |\n",
            cell(functions, name),
            cell(container, name)
        ));
    }
    table
}
