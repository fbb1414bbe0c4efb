//! `cargo xtask test`: every check of the project, stage by stage, with a time per stage and a
//! summary. The quick checks (fmt, clippy) come first, so a typo fails in seconds, before any
//! tool is installed.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::browser;
use crate::process::{self, cargo, root};
use crate::tools::{ensure_debian_programs, ensure_mdbook, ensure_python_tools};

/// Counts of the tests that ran, read from cargo's `test result:` lines and node's TAP summary.
#[derive(Debug, Default)]
pub struct TestCounts {
    pub passed: u64,
    pub failed: u64,
    pub ignored: u64,
}

impl TestCounts {
    fn add_cargo_line(&mut self, line: &str) {
        let Some(rest) = line.strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split(['.', ';']) {
            let mut words = part.split_whitespace();
            if let (Some(number), Some(label)) = (words.next(), words.next())
                && let Ok(n) = number.parse::<u64>()
            {
                match label {
                    "passed" => self.passed += n,
                    "failed" => self.failed += n,
                    "ignored" => self.ignored += n,
                    _ => {}
                }
            }
        }
    }

    /// Reads node's TAP summary lines (`# pass N`, `# fail N`).
    pub fn add_tap_line(&mut self, line: &str) {
        let count = |prefix: &str| {
            line.strip_prefix(prefix)
                .and_then(|n| n.trim().parse::<u64>().ok())
        };
        if let Some(n) = count("# pass ") {
            self.passed += n;
        }
        if let Some(n) = count("# fail ") {
            self.failed += n;
        }
    }
}

/// The stages run so far and how long each took.
struct Stages {
    done: Vec<(String, Duration)>,
}

impl Stages {
    fn run<T>(&mut self, name: &str, stage: impl FnOnce() -> Result<T>) -> Result<T> {
        println!("\n==> {name}");
        let started = Instant::now();
        let result = stage();
        let took = started.elapsed();
        println!(
            "<== {name}: {} in {:.1} s",
            if result.is_ok() { "ok" } else { "FAILED" },
            took.as_secs_f64()
        );
        self.done.push((name.to_owned(), took));
        result.with_context(|| format!("stage failed: {name}"))
    }
}

pub fn run(update_screenshot: bool) -> Result<()> {
    let started = Instant::now();
    let mut stages = Stages { done: Vec::new() };
    let mut counts = TestCounts::default();
    let result = run_checks(&mut stages, &mut counts, update_screenshot);

    println!("\nSummary");
    for (name, took) in &stages.done {
        println!("  {:>7.1} s  {name}", took.as_secs_f64());
    }
    println!("  {:>7.1} s  total", started.elapsed().as_secs_f64());
    if counts.ignored > 0 {
        println!("tests: {} ignored", counts.ignored);
    }
    println!("tests: {} passed, {} failed", counts.passed, counts.failed);
    result
}

fn run_checks(stages: &mut Stages, counts: &mut TestCounts, update_screenshot: bool) -> Result<()> {
    stages.run("cargo fmt --check", || {
        process::run(cargo().args(["fmt", "--all", "--", "--check"]))
    })?;
    stages.run("cargo clippy", || {
        process::run(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    let python = stages.run(
        "tools: Python tools (moto, schemathesis, cargo-zigbuild, cfn-lint) in .venv",
        ensure_python_tools,
    )?;
    let mdbook = stages.run("tools: mdbook", ensure_mdbook)?;
    stages.run(
        "tools: Debian programs (chromium, buildah, skopeo, qemu-user-static, wrk)",
        ensure_debian_programs,
    )?;
    // What the stack deploys, built once and read by every check below.
    stages.run(
        "package: the four function zips and the server's image, for arm64",
        || crate::package::run_package().map(drop),
    )?;
    let template = stages.run("infra: cdk synth (cdk-nag enforced)", crate::infra::synth)?;
    stages.run(
        "cargo test --workspace (unit, snapshots, book snippets, DynamoDB suites on moto, the template, the image)",
        || {
            println!("moto_server runs from {}", python.display());
            cargo_test(&python, &template, counts)
        },
    )?;
    stages.run("infra: jest on the template", || {
        crate::infra::jest(&template)
    })?;
    stages.run("infra: cfn-lint on the template", || {
        crate::infra::cfn_lint(&python, &template)
    })?;
    stages.run(
        "infra: checkov on the template (accepted findings: infra-cdk/checkov-accepted.json)",
        || crate::infra::checkov(&template),
    )?;
    stages.run(
        "contract: schemathesis against both backends, from openapi.json",
        || crate::contract::run_schemathesis(&python, counts),
    )?;
    // The book first: the local demo serves it, and the browser tests check that it does.
    stages.run("mdbook build", || build_book(&mdbook))?;
    stages.run("browser tests (Chromium) against the local demo", || {
        browser::run_tests(counts, update_screenshot)
    })
}

fn cargo_test(python: &Path, template: &Path, counts: &mut TestCounts) -> Result<()> {
    let mut child = cargo()
        .args(["test", "--workspace", "--no-fail-fast"])
        .env("MOTO_PYTHON", python)
        // Chapter 6's tests read the synthesized template and the packaged artifacts.
        .env("BLOG_TEMPLATE", template)
        .env("BLOG_PACKAGE_DIR", crate::package::package_dir())
        // Snapshots are reviewed by people (`cargo insta review`), never written by the tests.
        .env("INSTA_UPDATE", "no")
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run cargo test")?;
    let stdout = child.stdout.take().expect("piped");
    for line in BufReader::new(stdout).lines() {
        let line = line.context("cannot read cargo test's output")?;
        println!("{line}");
        counts.add_cargo_line(&line);
    }
    let status = child.wait().context("cargo test did not finish")?;
    if !status.success() {
        bail!("cargo test failed ({} failed)", counts.failed);
    }
    if counts.passed == 0 {
        bail!("cargo test ran no tests");
    }
    if counts.ignored > 0 {
        bail!(
            "{} tests are #[ignore]d; this project runs every test",
            counts.ignored
        );
    }
    Ok(())
}

/// Builds the book; any warning (a broken include or anchor, a missing page) fails the stage.
pub fn build_book(mdbook: &Path) -> Result<()> {
    let output = Command::new(mdbook)
        .arg("build")
        .arg(root().join("book"))
        .output()
        .with_context(|| format!("cannot run {}", mdbook.display()))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    print!("{text}");
    if !output.status.success() {
        bail!("mdbook build failed");
    }
    if text.contains("WARN") || text.contains("ERROR") {
        bail!("mdbook build printed warnings");
    }
    Ok(())
}
