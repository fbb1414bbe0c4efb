//! `cargo xtask exercises`: every "Break it" exercise of the book, tried.
//!
//! The exercises live in `book/exercises.json`. For each one this command copies the workspace
//! (its tracked files) into `target/exercises/workspace`, makes the exercise's change there, runs
//! the test the book says will catch it, and checks that the test fails *on an assertion*: the
//! change compiles, the test runs, and it reports a failure. A change that does not compile, or a
//! test that still passes, fails the command: the book would be promising something untrue.
//! Before any change, each named test must pass on the unchanged copy.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, Result, bail, ensure};
use serde::Deserialize;

use crate::process::{cargo, describe, root, target_dir};
use crate::tools::ensure_python_tools;

#[derive(Debug, Deserialize)]
struct Exercises {
    exercises: Vec<Exercise>,
}

/// One exercise: a change to one file, and the test that catches it.
#[derive(Debug, Deserialize)]
struct Exercise {
    chapter: String,
    title: String,
    file: String,
    find: String,
    replace: String,
    package: String,
    target: String,
    test: String,
}

/// How one run of a test ended.
#[derive(Debug, PartialEq)]
enum Outcome {
    Passed,
    /// The test ran and failed; the line that says so.
    Failed(String),
    /// It did not get as far as running (a compile error, a missing test).
    DidNotRun(String),
}

pub fn run() -> Result<()> {
    let file = root().join("book/exercises.json");
    let exercises: Exercises = serde_json::from_str(
        &std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?,
    )
    .with_context(|| format!("{} is not the exercises' JSON", file.display()))?;
    let python = ensure_python_tools()?;
    let scratch = target_dir().join("exercises");
    let workspace = scratch.join("workspace");
    copy_workspace(&workspace)?;

    // Each named test passes before any change: otherwise its failure would prove nothing.
    let named: BTreeSet<(&str, &str, &str)> = exercises
        .exercises
        .iter()
        .map(|e| (e.package.as_str(), e.target.as_str(), e.test.as_str()))
        .collect();
    for (package, target, test) in &named {
        let outcome = run_test(&workspace, &scratch, &python, package, target, test)?;
        ensure!(
            outcome == Outcome::Passed,
            "{package} --test {target} {test} does not pass before any change: {outcome:?}"
        );
    }

    let mut problems = Vec::new();
    for exercise in &exercises.exercises {
        if let Some(problem) = try_exercise(exercise, &workspace, &scratch, &python)? {
            problems.push(problem);
        }
    }
    if !problems.is_empty() {
        bail!(
            "exercises that would mislead a reader:\n{}",
            problems.join("\n")
        );
    }
    println!("every exercise's change is caught by the test it names");
    Ok(())
}

/// Applies one exercise's change to the scratch workspace, runs the test it names, puts the file
/// back, and prints the verdict; returns what would mislead a reader, if anything.
fn try_exercise(
    exercise: &Exercise,
    workspace: &Path,
    scratch: &Path,
    python: &Path,
) -> Result<Option<String>> {
    let started = Instant::now();
    let path = workspace.join(&exercise.file);
    let original = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let found = original.matches(&exercise.find).count();
    if found != 1 {
        return Ok(Some(format!(
            "{} / {}: the text to change occurs {found} times in {}, not once",
            exercise.chapter, exercise.title, exercise.file
        )));
    }
    std::fs::write(
        &path,
        original.replacen(&exercise.find, &exercise.replace, 1),
    )?;
    let outcome = run_test(
        workspace,
        scratch,
        python,
        &exercise.package,
        &exercise.target,
        &exercise.test,
    );
    std::fs::write(&path, &original)?;
    let (verdict, problem) = match outcome? {
        Outcome::Failed(line) => (format!("caught: {line}"), None),
        Outcome::Passed => (
            "NOT CAUGHT: the test still passes".to_owned(),
            Some(format!("{}: the test still passes", exercise.title)),
        ),
        Outcome::DidNotRun(why) => (
            format!("NOT CAUGHT: {why}"),
            Some(format!("{}: the test did not run: {why}", exercise.title)),
        ),
    };
    println!(
        "{} {:<34} {}::{} {} ({:.0} s)",
        exercise.chapter,
        exercise.title,
        exercise.target,
        exercise.test,
        verdict,
        started.elapsed().as_secs_f64()
    );
    Ok(problem)
}

/// The tracked and untracked-but-not-ignored files of the workspace, copied into `into`, which
/// is emptied first (so no change of an earlier run survives).
fn copy_workspace(into: &Path) -> Result<()> {
    if into.exists() {
        std::fs::remove_dir_all(into)?;
    }
    let listing = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root())
        .output()
        .context("cannot run git ls-files")?;
    ensure!(listing.status.success(), "git ls-files failed");
    for name in listing.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = PathBuf::from(String::from_utf8_lossy(name).into_owned());
        let from = root().join(&name);
        if !from.is_file() {
            continue; // deleted in the work tree
        }
        let to = into.join(&name);
        std::fs::create_dir_all(to.parent().expect("a file has a folder"))?;
        std::fs::copy(&from, &to).with_context(|| format!("cannot copy {}", from.display()))?;
    }
    Ok(())
}

/// Runs one test of the scratch workspace, with its own build folder beside it.
fn run_test(
    workspace: &Path,
    scratch: &Path,
    python: &Path,
    package: &str,
    target: &str,
    test: &str,
) -> Result<Outcome> {
    let mut command = cargo();
    command
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .env("MOTO_PYTHON", python)
        .args(["test", "--quiet", "-p", package]);
    // `lib`: the unit tests inside the crate; anything else names a file of `tests/`.
    if target == "lib" {
        command.arg("--lib");
    } else {
        command.args(["--test", target]);
    }
    if target == "e2e" {
        // The end-to-end tests read what the last `cargo xtask test` packaged and synthesized.
        command
            .env("BLOG_TEMPLATE", crate::infra::template_path())
            .env("BLOG_PACKAGE_DIR", crate::package::package_dir());
    }
    command.args(["--", "--exact", test]);
    let output = command
        .output()
        .with_context(|| format!("cannot run {}", describe(&command)))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        return Ok(if stdout.contains("1 passed") {
            Outcome::Passed
        } else {
            Outcome::DidNotRun(format!("no test named {test} ran"))
        });
    }
    // The test harness prints `test <name> ... FAILED` and where the assertion panicked.
    if stdout.contains("test result: FAILED") {
        let panic = stdout
            .lines()
            .chain(stderr.lines())
            .skip_while(|line| !line.contains("panicked at"))
            .nth(1)
            .unwrap_or("a failed assertion")
            .trim()
            .chars()
            .take(100)
            .collect();
        return Ok(Outcome::Failed(panic));
    }
    let error = stderr
        .lines()
        .find(|line| line.starts_with("error"))
        .unwrap_or("cargo test failed before running it")
        .to_owned();
    Ok(Outcome::DidNotRun(error))
}
