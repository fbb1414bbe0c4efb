//! The contract check: `openapi.json` (generated from the code, chapter 6 checks it is up to
//! date) given to schemathesis, which generates requests from it and checks every answer of
//! every backend (the functions behind a REST API and behind an HTTP API, the container,
//! chapter 10's one function behind a REST API and behind its function URL, and its web
//! adapter) against it: statuses,
//! headers, bodies, rejection of invalid input, acceptance of valid input, and (stateful)
//! sequences that follow the description's links.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context as _, Result, bail};

use crate::counts::TestCounts;
use crate::local_demo::{DemoProcess, built_by_tests};
use crate::process::{describe, root, target_dir};

/// Test cases per operation and phase: enough to cover every documented status each run, few
/// enough to keep the stage under a minute. A longer run: see the book (chapter 1).
const MAX_EXAMPLES: &str = "40";
/// A fixed seed: the same cases on every run, so a failure in CI is reproducible with
/// `st replay` or the same command; change it (or drop `--seed`) to explore further.
const SEED: &str = "20261127";

pub fn run_schemathesis(python: &Path, counts: &mut TestCounts) -> Result<()> {
    let binary = built_by_tests()?;
    // One demo per backend: the two runs generate the same posts (one seed), and one shared store
    // would let each delete what the other just created.
    let for_functions = DemoProcess::start(&binary, &[])?;
    let for_container = DemoProcess::start(&binary, &[])?;
    let for_one_function = DemoProcess::start(&binary, &[])?;
    let for_web_adapter = DemoProcess::start(&binary, &[])?;
    let for_http_api = DemoProcess::start(&binary, &[])?;
    let for_function_url = DemoProcess::start(&binary, &[])?;
    let schemathesis = python.with_file_name("schemathesis");
    // Every backend at once: schemathesis mostly waits on the answers.
    let mut runs = Vec::new();
    for (name, url) in [
        ("functions", &for_functions.urls["FunctionsURL"]),
        ("container", &for_container.urls["ContainersURL"]),
        ("one function", &for_one_function.urls["AllRoutesURL"]),
        ("web adapter", &for_web_adapter.urls["WebAdapterURL"]),
        ("HTTP API", &for_http_api.urls["HttpApiURL"]),
        (
            "function URL",
            &for_function_url.urls["AllRoutesFunctionURL"],
        ),
    ] {
        let url = url.trim_end_matches('/');
        let report =
            target_dir().join(format!("schemathesis/{}.junit.xml", name.replace(' ', "-")));
        let mut command = Command::new(&schemathesis);
        command
            .current_dir(root())
            .args(["run", "openapi.json", "--url", url])
            .args(["--max-examples", MAX_EXAMPLES, "--seed", SEED])
            // One worker thread per run (the runs themselves go side by side): with two, both
            // threads can import a module at once, and Python 3.11's compile() is not safe for
            // that ("SystemError: AST constructor recursion depth mismatch"), which failed
            // a run once on this machine.
            .args([
                "--workers",
                "1",
                "--no-color",
                "--generation-database",
                "none",
            ])
            .args(["--report", "junit", "--report-junit-path"])
            .arg(&report)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        println!("$ {}", describe(&command));
        let child = command
            .spawn()
            .with_context(|| format!("cannot run {}", schemathesis.display()))?;
        runs.push((name, child));
    }
    let mut failures = Vec::new();
    for (name, child) in runs {
        let output = child
            .wait_with_output()
            .with_context(|| format!("schemathesis did not finish for the {name}"))?;
        let text = String::from_utf8_lossy(&output.stdout);
        println!("\n---- schemathesis against the {name}");
        print!("{text}{}", String::from_utf8_lossy(&output.stderr));
        let generated = text
            .lines()
            .find_map(|line| line.trim().split_once(" generated"))
            .and_then(|(count, _)| count.parse::<u64>().ok())
            .with_context(|| format!("schemathesis printed no case count for the {name}"))?;
        println!("schemathesis: {generated} cases against the {name}");
        if output.status.success() {
            counts.passed += 1;
        } else {
            counts.failed += 1;
            failures.push(name);
        }
    }
    for_functions.stop()?;
    for_container.stop()?;
    for_one_function.stop()?;
    for_web_adapter.stop()?;
    for_http_api.stop()?;
    for_function_url.stop()?;
    if !failures.is_empty() {
        bail!(
            "schemathesis found answers that differ from openapi.json on: {}",
            failures.join(", ")
        );
    }
    Ok(())
}
