//! What Lambda and Fargate run carries none of the harness: the crates the tests and the local
//! tools use (moto's launcher, the fault proxy, the local API Gateway, the OpenAPI derive, the
//! snapshot and property-test crates) are behind features the shipped packages do not switch on.
//! Read from `cargo tree`, for the target the package is built for, with normal dependencies only
//! and without what procedural macros use (prost's derive needs anyhow to compile, and ships none).

use std::collections::BTreeMap;
use std::process::Command;

/// The package's normal dependency tree for arm64, procedural macros' own dependencies left out:
/// each crate's name and its features.
fn shipped_tree(package: &str) -> BTreeMap<String, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tree",
            "--locked",
            "--offline",
            "-e",
            "normal,no-proc-macro",
            "-p",
            package,
        ])
        .args(["--target", "aarch64-unknown-linux-musl"])
        .args(["--prefix", "none", "--format", "{p}|{f}"])
        .output()
        .expect("run cargo tree");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| {
            let (package, features) = line.trim_end_matches(" (*)").split_once('|')?;
            let name = package.split_whitespace().next()?;
            Some((name.to_owned(), features.to_owned()))
        })
        .collect()
}

/// Crates only tests and local tools may use.
const HARNESS_CRATES: [&str; 6] = [
    "insta", "proptest", "utoipa", "plotters", "skeptic", "anyhow",
];

/// The workspace's harness features: none may be on in a shipped package.
const HARNESS_FEATURES: [(&str, &str); 4] = [
    ("ch01-blog-core", "test-support"),
    ("ch01-blog-core", "openapi"),
    ("ch02-dynamodb", "test-support"),
    ("ch03-functions", "local-gateway"),
];

/// What of the harness a tree holds: crates, and workspace crates with a harness feature on.
fn harness_in(tree: &BTreeMap<String, String>) -> Vec<String> {
    let mut found: Vec<String> = HARNESS_CRATES
        .into_iter()
        .filter(|name| tree.contains_key(*name))
        .map(str::to_owned)
        .collect();
    for (name, feature) in HARNESS_FEATURES {
        if let Some(features) = tree.get(name)
            && features.split(',').any(|on| on == feature)
        {
            found.push(format!("{name} with {feature}"));
        }
    }
    found
}

#[test]
fn the_functions_carry_no_harness_and_no_command_line_parser() {
    let tree = shipped_tree("ch03-functions");
    assert!(tree.contains_key("lambda_http"), "not the functions' tree");
    assert!(
        tree.contains_key("ch02-dynamodb"),
        "not the functions' tree"
    );
    assert_eq!(harness_in(&tree), Vec::<String>::new());
    // The local API Gateway's command line: a function reads its settings from the environment.
    assert!(!tree.contains_key("clap"), "the functions ship clap");
}

#[test]
fn the_server_carries_no_harness() {
    let tree = shipped_tree("ch04-container");
    assert!(tree.contains_key("hyper"), "not the server's tree");
    assert_eq!(harness_in(&tree), Vec::<String>::new());
}

#[test]
fn the_check_sees_a_harness_feature() {
    // The same check on a tool that does use the harness finds it: the assertions can fail.
    let found = harness_in(&shipped_tree("ch07-local-demo"));
    assert!(
        found.contains(&"ch03-functions with local-gateway".to_owned()),
        "{found:?}"
    );
}
