//! The parts of the OpenAPI description the chapter 1 page shows, generated from it: the schema
//! of what a client sends to create a post, and a table of every operation, every status it can
//! answer and every error code. (The whole file is `openapi.json`, at the workspace root.)

use std::fmt::Write as _;

use serde_json::Value;

#[test]
fn the_new_post_schema() {
    let description = ch01_blog_core::openapi::description();
    let schema = &description["components"]["schemas"]["NewPost"];
    // Wrapped in a fenced block between anchors, so the book includes it without the
    // snapshot's header.
    let block = format!(
        "<!-- ANCHOR: schema -->\n```json\n{}\n```\n<!-- ANCHOR_END: schema -->\n",
        serde_json::to_string_pretty(schema).unwrap()
    );
    insta::assert_snapshot!(block);
}

#[test]
fn every_operation_and_its_answers() {
    let description = ch01_blog_core::openapi::description();
    let mut table = String::from(
        "<!-- ANCHOR: operations -->\n| operation | request | status | error `code`s |\n|---|---|---|---|\n",
    );
    for (path, item) in description["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(id) = operation["operationId"].as_str() else {
                continue; // the path's shared parameters
            };
            for (status, response) in operation["responses"].as_object().unwrap() {
                let codes: Vec<String> = response["content"]["application/json"]["schema"]["allOf"]
                    [1]["properties"]["code"]["enum"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(|code| format!("`{code}`"))
                    .collect();
                writeln!(
                    table,
                    "| `{id}` | `{} {path}` | {status} | {} |",
                    method.to_uppercase(),
                    codes.join(", ")
                )
                .unwrap();
            }
        }
    }
    table.push_str("<!-- ANCHOR_END: operations -->\n");
    insta::assert_snapshot!(table);
}
