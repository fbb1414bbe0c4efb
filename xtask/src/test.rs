//! `cargo xtask check` and `cargo xtask test`: the project's checks in three tiers, stage by
//! stage, with a time per stage and a summary. Each tier is the one before it and more:
//!
//! - `check`: fmt, clippy, and every test that needs no cross-build, no template, no image and no
//!   browser (`cargo test --workspace`, on one shared moto). The inner loop.
//! - `test --fast`: `check`, then the contract (schemathesis) on the debug demo those tests built,
//!   the CDK app's type check and jest on a fake package, and the book.
//! - `test`: everything, as CI runs it: the arm64 package, one `cdk synth` of it, the end-to-end
//!   tests (`cargo test --test e2e`: the package, the image, the template, the dry run and the
//!   rehearsal, the measurement harness), cfn-lint, checkov, and the page in Chromium.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::counts::TestCounts;
use crate::moto::{self, SharedMoto};
use crate::process::{self, cargo, root};
use crate::tools::{
    ensure_adapter_in_background, ensure_debian_programs, ensure_mdbook, ensure_python_tools,
};
use crate::{browser, contract, infra, package, runner};

/// How many tests of one binary run at once (libtest's default is one per core).
const TEST_THREADS: &str = "6";

/// How much of the project a run checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Check,
    Fast,
    Full,
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

pub fn run(tier: Tier, update_screenshot: bool) -> Result<()> {
    let started = Instant::now();
    let mut stages = Stages { done: Vec::new() };
    let mut counts = TestCounts::default();
    let result = run_tier(&mut stages, &mut counts, tier, update_screenshot);

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

fn run_tier(
    stages: &mut Stages,
    counts: &mut TestCounts,
    tier: Tier,
    update_screenshot: bool,
) -> Result<()> {
    stages.run("cargo fmt --check", || {
        process::run(cargo().args(["fmt", "--all", "--", "--check"]))
    })?;
    let python = stages.run(
        "tools: Python tools (moto, schemathesis, cargo-zigbuild, cfn-lint) in .venv",
        ensure_python_tools,
    )?;
    // The Lambda Web Adapter's builds (for this machine, and for arm64 when the whole run packages
    // it) run beside the tests' build: it leaves a core idle now and then (linking, a crate that
    // others wait for), and they fill it. Each has its own target folder.
    let adapter_for_host = ensure_adapter_in_background();
    let adapter_for_arm64 = match tier {
        Tier::Full => Some(package::start_adapter_build(package::Build::Check)?),
        Tier::Check | Tier::Fast => None,
    };
    // clippy's lints run inside the one build of the tests (clippy-driver as cargo's workspace
    // wrapper, as `cargo clippy` itself does it): every dependency is compiled once, not once to
    // be checked and again to be tested. `-D warnings`: a lint fails the build.
    let (tests, end_to_end) = stages.run(
        "build every test, with clippy's lints (-D warnings), the end-to-end tests too",
        || {
            let tests = runner::build(&[], &clippy_env()?)?;
            // Built (and so linted) in every tier; run only by the whole `cargo xtask test`.
            let end_to_end = runner::build(&["--test", "e2e"], &clippy_env()?)?;
            Ok((tests, end_to_end))
        },
    )?;
    let adapter = stages.run(
        "tools: the Lambda Web Adapter, built from crates.io for this machine",
        || {
            adapter_for_host
                .join()
                .map_err(|_| anyhow::anyhow!("the adapter's build panicked"))?
        },
    )?;
    let moto = stages.run("moto: one local DynamoDB for every test binary", || {
        SharedMoto::start(&python)
    })?;
    stages.run(
        "cargo test --workspace (unit, snapshots, book snippets, DynamoDB suites on moto, both backends)",
        || run_tests(tests, &moto, &adapter, None, counts),
    )?;
    if tier == Tier::Check {
        return Ok(());
    }

    let mdbook = stages.run("tools: mdbook", ensure_mdbook)?;
    if tier == Tier::Fast {
        stages.run("infra: TypeScript's type check", infra::typecheck)?;
        stages.run("infra: jest on a fake package", || infra::jest(None))?;
        stages.run(
            "contract: schemathesis against every backend, from openapi.json",
            || contract::run_schemathesis(&python, counts),
        )?;
        return stages.run("mdbook build", || build_book(&mdbook));
    }

    let inputs = Full {
        python: &python,
        mdbook: &mdbook,
        moto,
        adapter: &adapter,
        adapter_for_arm64,
        end_to_end,
        update_screenshot,
    };
    run_full(stages, counts, inputs)
}

/// What the whole run's own stages need from the stages before them.
struct Full<'a> {
    python: &'a Path,
    mdbook: &'a Path,
    moto: SharedMoto,
    adapter: &'a Path,
    /// The arm64 adapter's build, started before the tests.
    adapter_for_arm64: Option<package::AdapterBuild>,
    end_to_end: Vec<runner::TestBinary>,
    update_screenshot: bool,
}

/// The stages only the whole `cargo xtask test` runs: the arm64 package, its template and their
/// checks, the end-to-end tests, the contract, the book and the page in Chromium.
fn run_full(stages: &mut Stages, counts: &mut TestCounts, inputs: Full<'_>) -> Result<()> {
    let Full {
        python,
        mdbook,
        moto,
        adapter,
        adapter_for_arm64,
        end_to_end,
        update_screenshot,
    } = inputs;
    stages.run(
        "tools: Debian programs (chromium, buildah, skopeo, qemu-user-static, wrk)",
        ensure_debian_programs,
    )?;
    // What the stack deploys, built once and read by every check below.
    stages.run(
        "package: the function zips, the adapter's layer and the server's image, for arm64",
        || package::run_package_with(package::Build::Check, adapter_for_arm64).map(drop),
    )?;
    let template = stages.run("infra: cdk synth (cdk-nag enforced)", infra::synth)?;
    stages.run(
        "cargo test --test e2e (the package, the image, the template, the dry run, the rehearsal, the harness)",
        || run_tests(end_to_end, &moto, adapter, Some(&template), counts),
    )?;
    drop(moto);
    stages.run("infra: TypeScript's type check", infra::typecheck)?;
    stages.run("infra: jest on the template", || {
        infra::jest(Some(&template))
    })?;
    stages.run("infra: cfn-lint on the template", || {
        infra::cfn_lint(python, &template)
    })?;
    stages.run(
        "infra: checkov on the template (accepted findings: infra-cdk/checkov-accepted.json)",
        || infra::checkov(&template),
    )?;
    stages.run(
        "contract: schemathesis against every backend, from openapi.json",
        || contract::run_schemathesis(python, counts),
    )?;
    // The book first: the local demo serves it, and the browser tests check that it does.
    stages.run("mdbook build", || build_book(mdbook))?;
    stages.run("browser tests (Chromium) against the local demo", || {
        browser::run_tests(counts, update_screenshot)
    })
}

/// clippy-driver as cargo's workspace wrapper, with the arguments `cargo clippy -- -D warnings`
/// would give it: the workspace's crates are linted as they are compiled for the tests.
fn clippy_env() -> Result<Vec<(&'static str, OsString)>> {
    let cargo = std::env::var_os("CARGO").map_or_else(|| "cargo".into(), std::path::PathBuf::from);
    let beside_cargo = cargo.with_file_name("clippy-driver");
    let driver: OsString = if beside_cargo.exists() {
        beside_cargo.into()
    } else {
        "clippy-driver".into()
    };
    let found = Command::new(&driver).arg("--version").output();
    if !found.is_ok_and(|output| output.status.success()) {
        bail!("clippy is not installed: rustup component add clippy");
    }
    Ok(vec![
        ("RUSTC_WORKSPACE_WRAPPER", driver),
        // How cargo-clippy hands its arguments to the driver.
        (
            "CLIPPY_ARGS",
            "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__".into(),
        ),
    ])
}

/// Runs test binaries [`runner::build`] made, two at a time, on the run's moto and, for the
/// end-to-end tests, the package and the template.
fn run_tests(
    binaries: Vec<runner::TestBinary>,
    moto: &SharedMoto,
    adapter: &Path,
    template: Option<&Path>,
    counts: &mut TestCounts,
) -> Result<()> {
    let mut env: Vec<(&str, OsString)> = vec![
        (moto::ENDPOINT_VAR, moto.endpoint.clone().into()),
        // Chapter 10 runs the container's server through the real Lambda Web Adapter.
        ("LAMBDA_ADAPTER", adapter.into()),
        // Snapshots are reviewed by people (`cargo insta review`), never written by the tests.
        ("INSTA_UPDATE", "no".into()),
        // Most tests wait (on a server, on moto, on a timeout) rather than compute: more of them
        // at once than there are cores keeps the run as short as its longest test.
        ("RUST_TEST_THREADS", TEST_THREADS.into()),
    ];
    if let Some(template) = template {
        // The end-to-end tests read the synthesized template and the packaged artifacts.
        env.push(("BLOG_TEMPLATE", template.into()));
        env.push(("BLOG_PACKAGE_DIR", package::package_dir().into()));
    }
    let jobs = std::thread::available_parallelism().map_or(2, usize::from);
    let before = counts.passed;
    runner::run(binaries, &env, jobs, counts)?;
    if counts.passed == before {
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

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    /// Every `.rs` file under `dir`.
    fn rust_files(dir: &Path) -> Vec<PathBuf> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                found.extend(rust_files(&path));
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                found.push(path);
            }
        }
        found
    }

    /// What of a library's sources a switched-off test kind would silently skip: unit tests
    /// where `test = false`, code blocks in doc comments where `doctest = false`.
    fn skipped(sources: &[PathBuf], test: bool, doctest: bool) -> Vec<String> {
        let mut found = Vec::new();
        for file in sources {
            let text = std::fs::read_to_string(file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                let unit_test = ["#[test]", "#[tokio::test", "#[cfg(test)]"]
                    .iter()
                    .any(|mark| line.starts_with(mark));
                let doc_code =
                    (line.starts_with("///") || line.starts_with("//!")) && line.contains("```");
                if (unit_test && !test) || (doc_code && !doctest) {
                    found.push(format!("{}:{}: {line}", file.display(), n + 1));
                }
            }
        }
        found
    }

    #[test]
    fn no_library_has_a_test_that_its_manifest_switches_off() {
        let metadata = process::metadata_of(&mut cargo()).unwrap();
        let mut libraries = 0;
        let mut problems = Vec::new();
        for package in metadata["packages"].as_array().unwrap() {
            for target in package["targets"].as_array().unwrap() {
                if !target["kind"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|k| k == "lib")
                {
                    continue;
                }
                libraries += 1;
                let source = Path::new(target["src_path"].as_str().unwrap());
                let manifest = Path::new(package["manifest_path"].as_str().unwrap());
                // `src/lib.rs`: the whole `src/`; a `lib.rs` beside the manifest: that file.
                let sources = if source.parent() == manifest.parent() {
                    vec![source.to_path_buf()]
                } else {
                    rust_files(source.parent().unwrap())
                };
                let test = target["test"].as_bool().unwrap();
                let doctest = target["doctest"].as_bool().unwrap();
                problems.extend(skipped(&sources, test, doctest));
            }
        }
        assert!(libraries >= 10, "only {libraries} libraries found");
        assert_eq!(problems, Vec::<String>::new());
    }

    #[test]
    fn a_unit_test_in_a_library_without_unit_tests_is_found() {
        let file = std::env::temp_dir().join(format!("xtask-skipped-{}.rs", std::process::id()));
        std::fs::write(
            &file,
            "#[cfg(test)]\nmod tests {}\n/// ```\n/// code\n/// ```\n",
        )
        .unwrap();
        let sources = [file.clone()];
        assert_eq!(skipped(&sources, true, true).len(), 0);
        assert_eq!(skipped(&sources, false, true).len(), 1);
        assert_eq!(skipped(&sources, true, false).len(), 2);
        std::fs::remove_file(file).unwrap();
    }
}
