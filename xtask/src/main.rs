//! The project's own commands, run as `cargo xtask <command>` (see `.cargo/config.toml`).
//!
//! - `cargo xtask test`: every check of the project, installing what it needs on first use.
//! - `cargo xtask demo`: build the book, then run both backends, the demo page and the book.

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
    /// Run every check: fmt, clippy, all tests (DynamoDB suites on moto, the page in Chromium),
    /// the book build.
    Test {
        /// Also copy the browser test's screenshot into the book (book/src/images/).
        #[arg(long)]
        update_screenshot: bool,
    },
    /// Build the book, then run both backends, the demo page and the book on localhost.
    Demo {
        /// Options for the demo (ports, --store); see `cargo xtask demo -- --help`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        options: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Task::Test { update_screenshot } => test(update_screenshot),
        Task::Demo { options } => demo(&options),
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

fn test(update_screenshot: bool) -> Result {
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

fn run_checks(stages: &mut Stages, counts: &mut TestCounts, update_screenshot: bool) -> Result {
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
    // The book first: the local demo serves it, and the browser tests check that it does.
    stages.run("mdbook build", || build_book(&mdbook))?;
    stages.run("browser tests (Chromium) against the local demo", || {
        browser_tests(counts, update_screenshot)
    })
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
// Browser tests

const BROWSER_TESTS: &str = "chapters/ch07-local-demo/browser";
/// Where the browser test saves its screenshot on every run, and where the book keeps the one it
/// shows (refreshed by `cargo xtask test --update-screenshot`).
const SCREENSHOT: &str = "target/screenshots/local-demo.png";
const BOOK_SCREENSHOT: &str = "book/src/images/local-demo.png";

/// Installs Debian's Chromium when it is missing (CI runs as root; elsewhere, say what to do).
fn ensure_chromium() -> Result {
    if Path::new("/usr/bin/chromium").exists() {
        println!("using /usr/bin/chromium");
        return Ok(());
    }
    println!("installing Debian's chromium with apt-get (once)");
    run(Command::new("apt-get").arg("update").arg("-qq"))
        .and_then(|()| run(Command::new("apt-get").args(["install", "-y", "-qq", "chromium"])))
        .map_err(|err| {
            format!(
                "{err}\nthe browser tests need /usr/bin/chromium: `sudo apt-get install chromium`"
            )
        })
}

/// `npm ci` when the installed packages do not match the lock file.
fn ensure_npm_packages(folder: &Path) -> Result {
    let lock = std::fs::read(folder.join("package-lock.json")).map_err(|err| err.to_string())?;
    let stamp = folder.join("node_modules/.installed-lock");
    if std::fs::read(&stamp).ok().as_deref() == Some(&lock[..]) {
        println!("npm packages are installed in {}", folder.display());
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(folder))?;
    std::fs::write(&stamp, lock).map_err(|err| err.to_string())
}

/// A `local-demo` process and the URLs it printed; stopped with SIGTERM when dropped.
struct DemoProcess {
    child: std::process::Child,
    urls: std::collections::HashMap<String, String>,
}

impl DemoProcess {
    fn start(binary: &Path, args: &[&str]) -> Result<Self> {
        let mut child = Command::new(binary)
            .args([
                "--functions-port",
                "0",
                "--containers-port",
                "0",
                "--demo-port",
                "0",
                "--book-port",
                "0",
                "--store",
                "memory",
            ])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|err| format!("cannot start {}: {err}", binary.display()))?;
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let mut urls = std::collections::HashMap::new();
        for line in lines.by_ref() {
            let line = line.map_err(|err| err.to_string())?;
            println!("  demo: {line}");
            if line.starts_with("Ctrl-C") {
                break;
            }
            if let Some((key, value)) = line.split_once(": ") {
                urls.insert(key.to_owned(), value.to_owned());
            }
        }
        // Keep reading (and showing) what it prints later, so its stdout never breaks.
        std::thread::spawn(move || {
            for line in lines.map_while(std::result::Result::ok) {
                println!("  demo: {line}");
            }
        });
        for key in ["FunctionsURL", "ContainersURL", "Demo", "Book"] {
            if !urls.contains_key(key) {
                return Err(format!("local-demo did not print {key}"));
            }
        }
        Ok(Self { child, urls })
    }

    /// SIGTERM, then the exit status must be 0: the demo stops cleanly.
    fn stop(mut self) -> Result {
        run(Command::new("kill").args(["-TERM", &self.child.id().to_string()]))?;
        let status = self.child.wait().map_err(|err| err.to_string())?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("local-demo exited with {status} after SIGTERM"))
        }
    }
}

impl Drop for DemoProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn browser_tests(counts: &mut TestCounts, update_screenshot: bool) -> Result {
    ensure_chromium()?;
    let folder = root().join(BROWSER_TESTS);
    ensure_npm_packages(&folder)?;
    let screenshot = root().join(SCREENSHOT);
    let _ = std::fs::remove_file(&screenshot);
    std::fs::create_dir_all(screenshot.parent().expect("a folder"))
        .map_err(|err| err.to_string())?;
    run(cargo().args([
        "build",
        "--quiet",
        "-p",
        "ch07-local-demo",
        "--bin",
        "local-demo",
    ]))?;
    let binary = root().join("target/debug/local-demo");

    let demo = DemoProcess::start(&binary, &[])?;
    // A second demo whose containers backend is not running: nothing listens at that URL.
    let unused = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|err| err.to_string())?;
    let dead_url = format!(
        "http://{}/",
        unused.local_addr().map_err(|err| err.to_string())?
    );
    drop(unused);
    let stopped = DemoProcess::start(&binary, &["--containers-url", &dead_url])?;

    let output = Command::new("node")
        .args(["--test", "--test-reporter=tap"])
        .current_dir(&folder)
        .env("DEMO_URL", &demo.urls["Demo"])
        .env("DEMO_STOPPED_URL", &stopped.urls["Demo"])
        .env("BOOK_URL", &demo.urls["Book"])
        .env("SCREENSHOT_PATH", root().join(SCREENSHOT))
        .output()
        .map_err(|err| format!("cannot run node: {err}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    print!("{text}{}", String::from_utf8_lossy(&output.stderr));
    for line in text.lines() {
        if let Some(n) = line
            .strip_prefix("# pass ")
            .and_then(|n| n.parse::<u64>().ok())
        {
            counts.passed += n;
        }
        if let Some(n) = line
            .strip_prefix("# fail ")
            .and_then(|n| n.parse::<u64>().ok())
        {
            counts.failed += n;
        }
    }
    demo.stop()?;
    stopped.stop()?;
    if !output.status.success() {
        return Err("browser tests failed".to_owned());
    }
    let screenshot = root().join(SCREENSHOT);
    if !screenshot.exists() {
        return Err(format!(
            "the browser tests saved no screenshot at {SCREENSHOT}"
        ));
    }
    if update_screenshot {
        std::fs::copy(&screenshot, root().join(BOOK_SCREENSHOT)).map_err(|err| err.to_string())?;
        println!("copied the screenshot to {BOOK_SCREENSHOT}");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// cargo xtask demo

fn demo(options: &[String]) -> Result {
    let mdbook = ensure_mdbook()?;
    println!("Building the book...");
    build_book(&mdbook)?;
    println!(
        "Building and starting the demo (the first build compiles the AWS SDK: a few minutes)..."
    );
    let mut command = cargo();
    command
        .args(["run", "-p", "ch07-local-demo", "--bin", "local-demo", "--"])
        .args(options);
    // Become the demo (cargo run does the same), so that Ctrl-C reaches only the demo, which
    // stops its servers cleanly, and the shell gets its prompt back when it has.
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let err = command.exec();
        Err(format!("cannot run cargo: {err}"))
    }
    #[cfg(not(unix))]
    run(&mut command)
}
