//! The committed `openapi.json` is exactly what the code generates, and it says what the code
//! does.

use std::path::Path;

use ch01_blog_core::BlogPath;
use ch06_infrastructure::description::{deployment, openapi_json};

fn committed() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi.json");
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

#[test]
fn the_committed_description_is_what_the_code_generates() {
    assert!(
        committed() == openapi_json(),
        "openapi.json is out of date: regenerate it with\n  \
         cargo run -p ch06-infrastructure --bin describe > openapi.json\n\
         and review the difference (git diff openapi.json)"
    );
}

#[test]
fn the_405_template_is_chapter_1s_answer_with_the_method_left_to_api_gateway() {
    let deployment = deployment();
    let item = &deployment["resources"][1];
    assert_eq!(item["path"], BlogPath::ITEM);
    let rendered = item["methodNotAllowedBody"]
        .as_str()
        .unwrap()
        .replace("$context.httpMethod", "PUT");
    let expected = ch01_blog_core::ApiResponse::from(ch01_blog_core::BlogError::MethodNotAllowed {
        method: "PUT".into(),
        allow: "GET, DELETE, OPTIONS",
    });
    assert_eq!(rendered.as_bytes(), expected.body);
}

#[test]
fn every_function_has_exactly_one_grant_and_the_task_has_them_all() {
    let deployment = deployment();
    let functions = deployment["functions"]["each"].as_array().unwrap();
    assert_eq!(functions.len(), 4);
    let mut union = std::collections::BTreeSet::new();
    for function in functions {
        let grants = function["dynamodb"].as_array().unwrap();
        assert_eq!(grants.len(), 1, "{function}");
        union.insert(grants[0].to_string());
    }
    let task: std::collections::BTreeSet<_> = deployment["container"]["dynamodb"]
        .as_array()
        .unwrap()
        .iter()
        .map(Value::to_string)
        .collect();
    assert_eq!(task, union);
}

use serde_json::Value;
