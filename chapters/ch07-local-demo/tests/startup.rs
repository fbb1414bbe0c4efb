//! What the demo prints at start with its default ports; the book shows this snapshot.

use ch02_dynamodb::StoreChoice;
use ch07_local_demo::{BackendUrl, startup_lines, urls_js};

/// What `cargo xtask demo` prints with the default ports and store.
fn default_startup_lines() -> String {
    startup_lines(
        StoreChoice::Memory,
        &[
            ("FunctionsURL", "http://127.0.0.1:3001/Prod/"),
            ("ContainersURL", "http://127.0.0.1:8080/"),
            ("AllRoutesURL", "http://127.0.0.1:3003/Prod/"),
            ("WebAdapterURL", "http://127.0.0.1:3004/Prod/"),
            ("HttpApiURL", "http://127.0.0.1:3005/"),
            ("AllRoutesFunctionURL", "http://127.0.0.1:3006/"),
            ("Demo", "http://127.0.0.1:3002/"),
            ("Book", "http://127.0.0.1:3000/"),
        ],
    )
}

#[test]
fn the_startup_lines_with_default_ports() {
    insta::assert_snapshot!(default_startup_lines());
}

/// The README shows the same lines (it is read on GitHub, where the book's includes do not
/// work, so it holds a copy, and this test keeps the copy true).
#[test]
fn the_readme_shows_the_startup_lines() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md");
    let (_, after) = readme
        .split_once("compiles the demo and prints:\n\n```text\n")
        .expect("README introduces the startup lines");
    let (shown, _) = after.split_once("```").expect("a closed block");
    assert_eq!(
        shown.trim_end(),
        default_startup_lines().trim_end(),
        "README.md's copy of the startup lines differs from what the demo prints"
    );
}

#[test]
fn urls_js_has_the_shape_of_stack_outputs() {
    let script = urls_js(&[BackendUrl {
        key: "FunctionsURL".into(),
        url: "http://127.0.0.1:3001/Prod/".into(),
        description: "the functions".into(),
    }]);
    let json = script
        .split_once("window.BLOG_URLS = ")
        .and_then(|(_, rest)| rest.trim().strip_suffix(';'))
        .expect("an assignment");
    let outputs: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(outputs[0]["OutputKey"], "FunctionsURL");
    assert_eq!(outputs[0]["OutputValue"], "http://127.0.0.1:3001/Prod/");
    assert_eq!(outputs[0]["Description"], "the functions");
}

#[test]
fn the_page_may_call_exactly_the_two_backends() {
    let policy = ch07_local_demo::content_security_policy(&[
        "http://127.0.0.1:3001/Prod/",
        "https://abc.execute-api.us-east-1.amazonaws.com/Prod/",
    ]);
    assert!(policy.contains(
        "connect-src 'self' http://127.0.0.1:3001 https://abc.execute-api.us-east-1.amazonaws.com;"
    ));
    assert!(policy.contains("script-src 'self';"), "{policy}");
    assert!(!policy.contains("unsafe-inline"));
}
