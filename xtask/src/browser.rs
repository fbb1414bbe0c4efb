//! The browser tests: two `local-demo`s on free ports, the page driven in Chromium by
//! `playwright-core` (`chapters/ch07-local-demo/browser`).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{Context as _, Result, bail};

use crate::process::{cargo, root, run, target_dir};
use crate::test::TestCounts;
use crate::tools::{ensure_chromium, ensure_npm_packages};

const BROWSER_TESTS: &str = "chapters/ch07-local-demo/browser";
/// Where the book keeps the screenshot it shows (refreshed by `--update-screenshot`).
const BOOK_SCREENSHOT: &str = "book/src/images/local-demo.png";

/// A `local-demo` process and the URLs it printed; killed when dropped.
struct DemoProcess {
    child: Child,
    urls: HashMap<String, String>,
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
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let mut urls = HashMap::new();
        for line in lines.by_ref() {
            let line = line.context("cannot read local-demo's output")?;
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
                bail!("local-demo did not print {key}");
            }
        }
        Ok(Self { child, urls })
    }

    /// SIGTERM, then the exit status must be 0: the demo stops cleanly.
    fn stop(mut self) -> Result<()> {
        run(Command::new("kill").args(["-TERM", &self.child.id().to_string()]))?;
        let status = self.child.wait().context("local-demo did not exit")?;
        if !status.success() {
            bail!("local-demo exited with {status} after SIGTERM");
        }
        Ok(())
    }
}

impl Drop for DemoProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn run_tests(counts: &mut TestCounts, update_screenshot: bool) -> Result<()> {
    ensure_chromium()?;
    let folder = root().join(BROWSER_TESTS);
    ensure_npm_packages(&folder)?;
    let screenshot = target_dir().join("screenshots/local-demo.png");
    let _ = std::fs::remove_file(&screenshot);
    std::fs::create_dir_all(screenshot.parent().expect("a folder"))?;
    run(cargo().args([
        "build",
        "--quiet",
        "-p",
        "ch07-local-demo",
        "--bin",
        "local-demo",
    ]))?;
    let binary = target_dir().join("debug/local-demo");

    let demo = DemoProcess::start(&binary, &[])?;
    // A second demo whose containers backend is not running: nothing listens at that URL.
    let unused = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let dead_url = format!("http://{}/", unused.local_addr()?);
    drop(unused);
    let stopped = DemoProcess::start(&binary, &["--containers-url", &dead_url])?;

    let output = Command::new("node")
        .args(["--test", "--test-reporter=tap"])
        .current_dir(&folder)
        .env("DEMO_URL", &demo.urls["Demo"])
        .env("DEMO_STOPPED_URL", &stopped.urls["Demo"])
        .env("BOOK_URL", &demo.urls["Book"])
        .env("SCREENSHOT_PATH", &screenshot)
        .output()
        .context("cannot run node (the browser tests need Node.js 20 or newer)")?;
    let text = String::from_utf8_lossy(&output.stdout);
    print!("{text}{}", String::from_utf8_lossy(&output.stderr));
    for line in text.lines() {
        counts.add_tap_line(line);
    }
    demo.stop()?;
    stopped.stop()?;
    if !output.status.success() {
        bail!("browser tests failed");
    }
    if !screenshot.exists() {
        bail!(
            "the browser tests saved no screenshot at {}",
            screenshot.display()
        );
    }
    if update_screenshot {
        std::fs::copy(&screenshot, root().join(BOOK_SCREENSHOT))?;
        println!("copied the screenshot to {BOOK_SCREENSHOT}");
    }
    Ok(())
}
