//! `cargo xtask exercises`: every exercise of the book, tried.
//!
//! The exercises live in `book/exercises.json`. This command copies the workspace (its tracked
//! files) into `target/exercises/workspace` and works on that copy:
//!
//! - **Break it**: for each one it makes the exercise's change, runs the test the book says will
//!   catch it, and checks that the test fails *on an assertion*: the change compiles, the test
//!   runs, and it reports a failure. A change that does not compile, or a test that still passes,
//!   fails the command: the book would be promising something untrue. Before any change, each
//!   named test must pass on the unchanged copy.
//! - **Build it**: the exercise's test (behind its crate's `build-it` feature) must fail on the
//!   unchanged copy, and pass once the solution's diff is applied.
//!
//! The message each failing test printed is written to `book/exercises-caught.json`, from which
//! the book shows the reader what they should see.

use std::collections::{BTreeMap, BTreeSet};
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
    #[serde(default)]
    build: Vec<Build>,
}

/// One "Build it" exercise: a test, behind its crate's `build-it` feature, that fails until the
/// reader's change is made, and a solution as a diff of the workspace.
#[derive(Debug, Deserialize)]
struct Build {
    chapter: String,
    title: String,
    #[serde(default)]
    runner: Runner,
    /// For cargo, the package; for jest, the folder of the CDK app.
    package: String,
    /// For cargo, the test target (`lib` for the unit tests); for jest, the test file in the
    /// package's folder.
    target: String,
    test: String,
    solution: String,
}

/// What runs a "Build it" test: `cargo test` with the crate's `build-it` feature, or the CDK
/// app's jest with `BLOG_BUILD_IT=1`.
#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Runner {
    #[default]
    Cargo,
    Jest,
}

/// Where the failures' messages are kept for the book.
const CAUGHT: &str = "book/exercises-caught.json";

/// The key of an exercise's message in [`CAUGHT`].
fn key(chapter: &str, title: &str) -> String {
    format!("{chapter}/{title}")
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
    /// The test ran and failed; the message it printed.
    Failed(Vec<String>),
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
        let outcome = run_test(&workspace, &scratch, &python, package, target, test, false)?;
        ensure!(
            outcome == Outcome::Passed,
            "{package} --test {target} {test} does not pass before any change: {outcome:?}"
        );
    }

    let mut problems = Vec::new();
    let mut caught = BTreeMap::new();
    for exercise in &exercises.exercises {
        match try_exercise(exercise, &workspace, &scratch, &python)? {
            Ok(message) => {
                caught.insert(key(&exercise.chapter, &exercise.title), message);
            }
            Err(problem) => problems.push(problem),
        }
    }
    for build in &exercises.build {
        match try_build(build, &workspace, &scratch, &python)? {
            Ok(message) => {
                caught.insert(key(&build.chapter, &build.title), message);
            }
            Err(problem) => problems.push(problem),
        }
    }
    std::fs::write(
        root().join(CAUGHT),
        serde_json::to_string_pretty(&caught)? + "\n",
    )?;
    println!("wrote what each failing test printed to {CAUGHT}");
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
/// back, and prints the verdict; returns the test's failure message, or what would mislead a
/// reader.
fn try_exercise(
    exercise: &Exercise,
    workspace: &Path,
    scratch: &Path,
    python: &Path,
) -> Result<Result<Vec<String>, String>> {
    let started = Instant::now();
    let path = workspace.join(&exercise.file);
    let original = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let found = original.matches(&exercise.find).count();
    if found != 1 {
        return Ok(Err(format!(
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
        false,
    );
    std::fs::write(&path, &original)?;
    let (verdict, result) = match outcome? {
        Outcome::Failed(message) => (
            format!("caught: {}", message.first().map_or("", String::as_str)),
            Ok(message),
        ),
        Outcome::Passed => (
            "NOT CAUGHT: the test still passes".to_owned(),
            Err(format!("{}: the test still passes", exercise.title)),
        ),
        Outcome::DidNotRun(why) => (
            format!("NOT CAUGHT: {why}"),
            Err(format!("{}: the test did not run: {why}", exercise.title)),
        ),
    };
    print_verdict(
        [
            &exercise.chapter,
            &exercise.title,
            &exercise.target,
            &exercise.test,
        ],
        &verdict,
        started,
    );
    Ok(result)
}

/// One exercise's line of the command's output: chapter, title, the test, what happened, how long.
fn print_verdict([chapter, title, target, test]: [&str; 4], verdict: &str, started: Instant) {
    println!(
        "{chapter} {title:<34} {target}::{test} {verdict} ({:.0} s)",
        started.elapsed().as_secs_f64()
    );
}

/// Runs one "Build it" test on the unchanged copy (it must fail: the reader has work to do),
/// applies the solution's diff, runs it again (it must pass), and takes the diff back out.
fn try_build(
    build: &Build,
    workspace: &Path,
    scratch: &Path,
    python: &Path,
) -> Result<Result<Vec<String>, String>> {
    let started = Instant::now();
    let run = || match build.runner {
        Runner::Cargo => run_test(
            workspace,
            scratch,
            python,
            &build.package,
            &build.target,
            &build.test,
            true,
        ),
        Runner::Jest => run_jest(&workspace.join(&build.package), &build.target, &build.test),
    };
    let before = match run()? {
        Outcome::Failed(message) => message,
        other => {
            return Ok(Err(format!(
                "{}: the test must fail before the reader's change, and it did not: {other:?}",
                build.title
            )));
        }
    };
    let diff = root().join(&build.solution);
    git_apply(workspace, &diff, false)?;
    let after = run();
    git_apply(workspace, &diff, true)?;
    let result = match after? {
        Outcome::Passed => Ok(before),
        other => Err(format!(
            "{}: the test does not pass with the solution: {other:?}",
            build.title
        )),
    };
    print_verdict(
        [&build.chapter, &build.title, &build.target, &build.test],
        if result.is_ok() {
            "fails before, passes with the solution"
        } else {
            "WRONG"
        },
        started,
    );
    Ok(result)
}

/// Applies (or with `reverse`, takes out) a diff of the workspace, in the scratch copy.
fn git_apply(workspace: &Path, diff: &Path, reverse: bool) -> Result<()> {
    let mut command = Command::new("git");
    // The copy sits inside the repository's `target/`: without a ceiling, git would find the
    // repository above it and quietly skip every path outside the copy's folder, applying
    // nothing. Above the ceiling git looks for no repository, and applies to the copy's files.
    let ceiling = workspace.parent().expect("the copy has a parent folder");
    command
        .current_dir(workspace)
        .env("GIT_CEILING_DIRECTORIES", ceiling)
        .args(["apply", "--verbose"]);
    if reverse {
        command.arg("--reverse");
    }
    let output = command
        .arg(diff)
        .output()
        .with_context(|| format!("cannot run {}", describe(&command)))?;
    let said = String::from_utf8_lossy(&output.stderr);
    ensure!(
        output.status.success() && said.contains("Applied patch"),
        "{} applied nothing: {said}",
        describe(&command)
    );
    Ok(())
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
    build_it: bool,
) -> Result<Outcome> {
    let mut command = cargo();
    command
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .env("MOTO_PYTHON", python)
        // The message a reader sees, without the backtrace this machine's environment asks for.
        .env("RUST_BACKTRACE", "0")
        .args(["test", "--quiet", "-p", package]);
    if build_it {
        command.args(["--features", "build-it"]);
    }
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
        return Ok(passed_if_it_ran(&stdout, test));
    }
    // The test harness prints `test <name> ... FAILED` and where the assertion panicked.
    if stdout.contains("test result: FAILED") {
        let mut message = panic_message(stdout.lines().chain(stderr.lines()));
        message.extend(snapshot_difference(stdout.lines()));
        return Ok(Outcome::Failed(message));
    }
    let error = stderr
        .lines()
        .find(|line| line.starts_with("error"))
        .unwrap_or("cargo test failed before running it")
        .to_owned();
    Ok(Outcome::DidNotRun(error))
}

/// A run that succeeded: passed, if its report counts the one test as passed (a filter that
/// matched no test succeeds too).
fn passed_if_it_ran(report: &str, test: &str) -> Outcome {
    if report.contains("1 passed") {
        Outcome::Passed
    } else {
        Outcome::DidNotRun(format!("no test named {test} ran"))
    }
}

/// Runs one test of the CDK app's jest tests in the scratch copy (`folder`), with the "Build it"
/// tests switched on. The copy uses the workspace's `node_modules`, which `git ls-files` leaves out.
fn run_jest(folder: &Path, file: &str, test: &str) -> Result<Outcome> {
    let modules = folder.join("node_modules");
    if !modules.exists() {
        crate::tools::ensure_npm_packages(&root().join("infra-cdk"))?;
        std::os::unix::fs::symlink(root().join("infra-cdk/node_modules"), &modules)
            .with_context(|| format!("cannot link {}", modules.display()))?;
    }
    let mut command = crate::infra::offline_in(folder, "npx");
    command
        .args(["jest", "--runInBand", "--ci", file, "-t", test])
        .env("BLOG_BUILD_IT", "1")
        .env_remove("BLOG_TEMPLATE");
    let output = command
        .output()
        .with_context(|| format!("cannot run {}", describe(&command)))?;
    // Jest reports on stderr.
    let report = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        return Ok(passed_if_it_ran(&report, test));
    }
    if report.contains("\u{25cf} ") {
        return Ok(Outcome::Failed(jest_message(report.lines())));
    }
    let error = report
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("jest failed before running the test")
        .to_owned();
    Ok(Outcome::DidNotRun(error))
}

/// The message of jest's first failure: what follows `Message:` under the `● <test>` heading (or
/// the whole report when there is no `Message:`), up to the code frame, at most twenty lines,
/// without jest's indentation.
fn jest_message<'a>(report: impl Iterator<Item = &'a str>) -> Vec<String> {
    let failure: Vec<&str> = report
        .skip_while(|line| !line.trim_start().starts_with('\u{25cf}'))
        .skip(1)
        .take_while(|line| {
            let line = line.trim_start();
            !(line.starts_with("Difference:")
                || line.starts_with("at ")
                || line.starts_with('>')
                || line
                    .split_once(" |")
                    .is_some_and(|(number, _)| number.parse::<u32>().is_ok()))
        })
        .collect();
    let start = failure
        .iter()
        .position(|line| line.trim() == "Message:")
        .map_or(0, |at| at + 1);
    let lines: Vec<&str> = failure[start..]
        .iter()
        .copied()
        .skip_while(|line| line.trim().is_empty())
        .collect();
    let indent = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut message: Vec<String> = lines
        .iter()
        .map(|line| {
            line.get(indent..)
                .unwrap_or(line.trim_start())
                .trim_end()
                .to_owned()
        })
        .take(20)
        .collect();
    while message.last().is_some_and(String::is_empty) {
        message.pop();
    }
    // Jest indents a message's first line deeper than the rest.
    if let Some(first) = message.first_mut() {
        *first = first.trim_start().to_owned();
    }
    message
}

/// The message of the first panic in a test's output: the lines after `thread '…' panicked at
/// <file>:<line>:<column>:`, up to the harness's own next line, at most a dozen.
fn panic_message<'a>(output: impl Iterator<Item = &'a str>) -> Vec<String> {
    let message: Vec<String> = output
        .skip_while(|line| !line.contains("panicked at"))
        .skip(1)
        .take_while(|line| {
            !line.trim().is_empty()
                && !line.starts_with("note: ")
                && !line.starts_with("stack backtrace:")
                && !line.starts_with("failures:")
        })
        .take(12)
        .map(|line| line.trim_end().to_owned())
        .collect();
    if message.is_empty() {
        vec!["a failed assertion".to_owned()]
    } else {
        message
    }
}

/// What a failed `insta` snapshot differs by, as insta prints it above its panic: the
/// `-old snapshot` / `+new results` legend and the numbered lines between its box's borders, at
/// most twenty. Nothing when the output has no snapshot difference.
fn snapshot_difference<'a>(output: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut lines = output.skip_while(|line| *line != "-old snapshot");
    let mut difference: Vec<String> = lines.by_ref().take(2).map(str::to_owned).collect();
    difference.extend(
        lines
            .skip_while(|line| !line.contains('\u{252c}'))
            .skip(1)
            .take_while(|line| !line.contains('\u{2534}'))
            .take(20)
            .map(|line| line.trim_end().to_owned()),
    );
    if difference.len() > 2 {
        difference
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::{jest_message, panic_message, snapshot_difference};

    #[test]
    fn a_snapshots_difference_is_its_legend_and_its_numbered_lines() {
        let output = "Snapshot: what_reaches_the_router
-old snapshot
+new results
\u{2500}\u{2500}\u{2500}\u{252c}\u{2500}\u{2500}
   12    12 \u{2502}     \"method\": \"GET\",
   13       \u{2502}-    \"uri\": \"/blog/42?limit=1\"
         13 \u{2502}+    \"uri\": \"/blog/42\"
\u{2500}\u{2500}\u{2500}\u{2534}\u{2500}\u{2500}
To update snapshots run `cargo insta review`";
        assert_eq!(
            snapshot_difference(output.lines()),
            [
                "-old snapshot",
                "+new results",
                "   12    12 \u{2502}     \"method\": \"GET\",",
                "   13       \u{2502}-    \"uri\": \"/blog/42?limit=1\"",
                "         13 \u{2502}+    \"uri\": \"/blog/42\"",
            ]
        );
        assert_eq!(
            snapshot_difference("assertion failed".lines()),
            Vec::<String>::new()
        );
    }

    #[test]
    fn jests_message_is_the_assertions_message_without_the_code_frame() {
        let report = "FAIL test/build-it/x.test.ts
  Build it
    \u{2715} the table deletes posts (42 ms)

  \u{25cf} Build it \u{203a} the table deletes posts

    Expected value   undefined
    Received:
      undefined

    Message:
      Template has 1 resources with type AWS::DynamoDB::Table, but none match as expected.
    The 1 closest matches:
    TablePosts :: {
    !!   Missing key 'TimeToLiveSpecification'
    }

    Difference:

    Compared values have no visual difference.

       5 | describe('Build it', () => {
    >  7 |     blogTemplate().hasResourceProperties('AWS::DynamoDB::Table', {

      at Object.<anonymous> (test/build-it/x.test.ts:7:20)
";
        assert_eq!(
            jest_message(report.lines()),
            [
                "Template has 1 resources with type AWS::DynamoDB::Table, but none match as expected.",
                "The 1 closest matches:",
                "TablePosts :: {",
                "!!   Missing key 'TimeToLiveSpecification'",
                "}",
            ]
        );
    }

    #[test]
    fn the_message_is_the_panics_lines_without_the_harness_around_them() {
        let output = "running 1 test\n\
                      test core::x ... FAILED\n\
                      \n\
                      failures:\n\
                      \n\
                      ---- core::x stdout ----\n\
                      \n\
                      thread 'core::x' panicked at tests/core/x.rs:10:5:\n\
                      assertion `left == right` failed: a page skipped a post\n  \
                      left: 24\n \
                      right: 25\n\
                      note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        assert_eq!(
            panic_message(output.lines()),
            [
                "assertion `left == right` failed: a page skipped a post",
                "  left: 24",
                " right: 25"
            ]
        );
        assert_eq!(
            panic_message("no panic here".lines()),
            ["a failed assertion"]
        );
    }
}
