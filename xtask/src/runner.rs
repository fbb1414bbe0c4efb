//! Runs a workspace's tests the way `cargo test` does, but two test binaries at a time: cargo
//! builds them (`cargo test --no-run`, which lists each executable in its JSON messages), then
//! each binary runs in its package's folder with cargo's variables, and its output is printed
//! whole when it ends. The slowest binaries of the last run start first (their times are kept in
//! `target/tmp/test-times.json`), so the run takes about as long as its slowest binary.

use std::collections::{BTreeMap, VecDeque};
use std::ffi::OsString;
use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::counts::TestCounts;
use crate::process::{cargo, target_dir};

/// One test executable cargo built.
#[derive(Debug, Clone)]
pub struct TestBinary {
    /// `package: target` (`ch05-payloads: payloads`, `ch01-blog-core: lib`).
    pub label: String,
    crate_name: String,
    manifest_dir: PathBuf,
    executable: PathBuf,
}

/// Builds the workspace's tests with `cargo test --workspace --no-run` and `args`, printing what
/// cargo prints; returns the test executables.
pub fn build(args: &[&str], env: &[(&str, OsString)]) -> Result<Vec<TestBinary>> {
    let mut command = cargo();
    command
        .args(["test", "--workspace", "--no-run", "--locked"])
        .args(["--message-format", "json-render-diagnostics"])
        .args(args)
        .stdout(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().context("cannot run cargo test")?;
    let mut binaries = Vec::new();
    for line in BufReader::new(child.stdout.take().expect("piped")).lines() {
        let message: serde_json::Value = match serde_json::from_str(&line?) {
            Ok(message) => message,
            Err(_) => continue,
        };
        if message["reason"] != "compiler-artifact" || message["profile"]["test"] != true {
            continue;
        }
        let Some(executable) = message["executable"].as_str() else {
            continue;
        };
        let manifest = PathBuf::from(message["manifest_path"].as_str().unwrap_or_default());
        let package = manifest
            .parent()
            .and_then(|dir| dir.file_name())
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let target = message["target"]["name"].as_str().unwrap_or_default();
        let kind = &message["target"]["kind"][0];
        let label = if kind == "test" {
            format!("{package}: {target}")
        } else {
            format!("{package}: {target} ({})", kind.as_str().unwrap_or("unit"))
        };
        binaries.push(TestBinary {
            label,
            crate_name: target.replace('-', "_"),
            manifest_dir: manifest.parent().map(PathBuf::from).unwrap_or_default(),
            executable: PathBuf::from(executable),
        });
    }
    let status = child.wait().context("cargo test did not finish")?;
    if !status.success() {
        bail!("the tests do not build");
    }
    Ok(binaries)
}

/// What a worker reports for each binary it ran.
type Ran = (TestBinary, std::io::Result<Output>, Duration);

/// `jobs` threads that take the next binary from `binaries` and run it, until none is left;
/// each sends what it ran on the channel returned.
fn start_workers(
    binaries: Vec<TestBinary>,
    env: &[(&str, OsString)],
    jobs: usize,
) -> (Vec<std::thread::JoinHandle<()>>, mpsc::Receiver<Ran>) {
    let queue = Arc::new(Mutex::new(VecDeque::from(binaries)));
    let (sender, results) = mpsc::channel::<Ran>();
    let env: Vec<(String, OsString)> = env
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect();
    let mut workers = Vec::new();
    for _ in 0..jobs.max(1) {
        let (queue, sender, env) = (queue.clone(), sender.clone(), env.clone());
        workers.push(std::thread::spawn(move || {
            loop {
                // The lock is released before the binary runs: the other workers take the next.
                let next = queue.lock().expect("the queue").pop_front();
                let Some(binary) = next else {
                    return;
                };
                let started = Instant::now();
                let output = Command::new(&binary.executable)
                    .current_dir(&binary.manifest_dir)
                    .envs(env.iter().map(|(name, value)| (name, value)))
                    // What cargo test sets for a test it runs.
                    .env("CARGO_MANIFEST_DIR", &binary.manifest_dir)
                    .env("CARGO_CRATE_NAME", &binary.crate_name)
                    .stdin(Stdio::null())
                    .output();
                if sender.send((binary, output, started.elapsed())).is_err() {
                    return;
                }
            }
        }));
    }
    (workers, results)
}

/// Where the last run's times are kept.
fn times_file() -> PathBuf {
    target_dir().join("tmp/test-times.json")
}

/// Runs `binaries`, `jobs` at a time, each with `env`; adds their `test result:` lines to
/// `counts`; fails naming every binary that failed, after all have run.
pub fn run(
    binaries: Vec<TestBinary>,
    env: &[(&str, OsString)],
    jobs: usize,
    counts: &mut TestCounts,
) -> Result<()> {
    let mut times: BTreeMap<String, f64> = std::fs::read_to_string(times_file())
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let mut ordered = binaries;
    ordered.sort_by(|a, b| {
        let time = |binary: &TestBinary| times.get(&binary.label).copied().unwrap_or(0.0);
        time(b).total_cmp(&time(a))
    });
    let (workers, results) = start_workers(ordered, env, jobs);
    let mut failed = Vec::new();
    for (binary, output, took) in results {
        let seconds = took.as_secs_f64();
        println!("\n---- {} ({seconds:.1} s)", binary.label);
        times.insert(binary.label.clone(), seconds);
        match output {
            Ok(output) => {
                let stdout = String::from_utf8_lossy(&output.stdout);
                print!("{stdout}{}", String::from_utf8_lossy(&output.stderr));
                for line in stdout.lines() {
                    counts.add_cargo_line(line);
                }
                if !output.status.success() {
                    failed.push(binary.label);
                }
            }
            Err(err) => {
                println!("cannot run {}: {err}", binary.executable.display());
                failed.push(binary.label);
            }
        }
    }
    for worker in workers {
        let _ = worker.join();
    }
    std::fs::create_dir_all(times_file().parent().expect("a folder"))?;
    std::fs::write(times_file(), serde_json::to_string_pretty(&times)?)?;
    if !failed.is_empty() {
        bail!(
            "{} test binaries failed: {}",
            failed.len(),
            failed.join(", ")
        );
    }
    Ok(())
}
