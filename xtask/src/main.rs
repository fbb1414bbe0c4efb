//! The project's own commands, run as `cargo xtask <command>` (see `.cargo/config.toml`).
//!
//! - `cargo xtask test`: every check of the project, installing what it needs on first use.
//! - `cargo xtask demo`: build the book and serve it on localhost.

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

/// The moto version the DynamoDB tests run against, installed into `.venv`.
const PYTHON_REQUIREMENTS: &str = "moto[dynamodb,server]==5.2.5\n";
/// The mdBook release the book is written for.
const MDBOOK_VERSION: &str = "0.5.4";

#[derive(Debug, Parser)]
#[command(about = "The project's own commands")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Run every check: fmt, clippy, all tests (DynamoDB suites on moto), the book build.
    Test,
    /// Build the book and serve it on localhost.
    Demo {
        /// Port for the book.
        #[arg(long, default_value_t = 3000, env = "BOOK_PORT")]
        book_port: u16,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Task::Test => test(),
        Task::Demo { book_port } => demo(book_port),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

type Result<T = ()> = std::result::Result<T, String>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    command
}

fn run(command: &mut Command) -> Result {
    let status = command
        .status()
        .map_err(|err| format!("cannot run {command:?}: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed with {status}"))
    }
}

/// Counts of the tests cargo ran, read from its `test result:` lines.
#[derive(Debug, Default)]
struct TestCounts {
    passed: u64,
    failed: u64,
    ignored: u64,
}

impl TestCounts {
    fn add_line(&mut self, line: &str) {
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
}

// ---------------------------------------------------------------------------------------------
// cargo xtask test

struct Stages {
    done: Vec<(String, Duration)>,
}

impl Stages {
    fn run(&mut self, name: &str, stage: impl FnOnce() -> Result) -> Result {
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
        result
    }
}

fn test() -> Result {
    let started = Instant::now();
    let mut stages = Stages { done: Vec::new() };
    let mut counts = TestCounts::default();
    let result = run_checks(&mut stages, &mut counts);

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

fn run_checks(stages: &mut Stages, counts: &mut TestCounts) -> Result {
    let python = {
        let mut python = PathBuf::new();
        stages.run("tools: moto (local DynamoDB) in .venv", || {
            python = ensure_moto()?;
            Ok(())
        })?;
        python
    };
    let mdbook = {
        let mut mdbook = PathBuf::new();
        stages.run("tools: mdbook", || {
            mdbook = ensure_mdbook()?;
            Ok(())
        })?;
        mdbook
    };
    stages.run("cargo fmt --check", || {
        run(cargo().args(["fmt", "--all", "--", "--check"]))
    })?;
    stages.run("cargo clippy", || {
        run(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    stages.run(
        "cargo test --workspace (unit, snapshots, book snippets, DynamoDB suites on moto)",
        || {
            println!("moto_server runs from {}", python.display());
            cargo_test(&python, counts)
        },
    )?;
    stages.run("mdbook build", || build_book(&mdbook))
}

/// Creates `.venv` with moto on first use; afterwards only checks that it is there.
fn ensure_moto() -> Result<PathBuf> {
    let venv = root().join(".venv");
    let python = venv.join("bin/python3");
    let stamp = venv.join("requirements.installed");
    if python.exists()
        && std::fs::read_to_string(&stamp).ok().as_deref() == Some(PYTHON_REQUIREMENTS)
    {
        println!("moto is installed in {}", venv.display());
        return Ok(python);
    }
    if !python.exists() {
        println!("creating {}", venv.display());
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    let requirements = venv.join("requirements.txt");
    std::fs::write(&requirements, PYTHON_REQUIREMENTS).map_err(|err| err.to_string())?;
    println!("installing {}", PYTHON_REQUIREMENTS.trim());
    run(Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "-r"])
        .arg(&requirements))?;
    run(Command::new(&python).args(["-c", "import moto.server"]))?;
    std::fs::write(&stamp, PYTHON_REQUIREMENTS).map_err(|err| err.to_string())?;
    Ok(python)
}

/// Uses `mdbook` from `PATH` if it is a 0.5 release, else installs it with cargo (about 3
/// minutes, once).
fn ensure_mdbook() -> Result<PathBuf> {
    let found = Command::new("mdbook")
        .arg("--version")
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned());
    if let Some(version) = found.as_deref().filter(|v| v.starts_with("mdbook v0.5.")) {
        println!("using {version}");
        return Ok(PathBuf::from("mdbook"));
    }
    println!(
        "found {}; installing mdbook {MDBOOK_VERSION} with cargo (takes a few minutes, once)",
        found.as_deref().unwrap_or("no mdbook")
    );
    run(cargo().args(["install", "mdbook", "--locked", "--version", MDBOOK_VERSION]))?;
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .ok_or("cannot tell where cargo installs binaries: set CARGO_HOME")?;
    Ok(cargo_home.join("bin/mdbook"))
}

fn cargo_test(python: &Path, counts: &mut TestCounts) -> Result {
    let mut child = cargo()
        .args(["test", "--workspace", "--no-fail-fast"])
        .env("MOTO_PYTHON", python)
        // Snapshots are reviewed by people (`cargo insta review`), never written by the tests.
        .env("INSTA_UPDATE", "no")
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot run cargo test: {err}"))?;
    let stdout = child.stdout.take().expect("piped");
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|err| err.to_string())?;
        println!("{line}");
        counts.add_line(&line);
    }
    let status = child.wait().map_err(|err| err.to_string())?;
    if !status.success() {
        return Err(format!("cargo test failed ({} failed)", counts.failed));
    }
    if counts.passed == 0 {
        return Err("cargo test ran no tests".to_owned());
    }
    if counts.ignored > 0 {
        return Err(format!(
            "{} tests are #[ignore]d; this project runs every test",
            counts.ignored
        ));
    }
    Ok(())
}

/// Builds the book; any warning (a broken include or anchor, a missing page) fails the stage.
fn build_book(mdbook: &Path) -> Result {
    let output = Command::new(mdbook)
        .arg("build")
        .arg(root().join("book"))
        .output()
        .map_err(|err| format!("cannot run mdbook: {err}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    print!("{text}");
    if !output.status.success() {
        return Err("mdbook build failed".to_owned());
    }
    if text.contains("WARN") || text.contains("ERROR") {
        return Err("mdbook build printed warnings".to_owned());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// cargo xtask demo

fn demo(book_port: u16) -> Result {
    // Fail early and clearly if the port is taken, rather than deep inside mdbook.
    TcpListener::bind((Ipv4Addr::LOCALHOST, book_port)).map_err(|err| {
        format!("port {book_port} is not free ({err}); pick another with --book-port")
    })?;
    let mdbook = ensure_mdbook()?;
    println!("Building the book...");
    build_book(&mdbook)?;
    println!("Book: http://127.0.0.1:{book_port}");
    println!("(Ctrl-C stops it)");
    run(Command::new(mdbook)
        .arg("serve")
        .arg(root().join("book"))
        .args(["--hostname", "127.0.0.1", "--port"])
        .arg(book_port.to_string())
        .stdout(Stdio::null()))
}
