//! The browser tests: two `local-demo`s on free ports, the page driven in Chromium by
//! `playwright-core` (`chapters/ch07-local-demo/browser`).

use std::net::{Ipv4Addr, TcpListener};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

use crate::counts::TestCounts;
use crate::local_demo::{DemoProcess, built_by_tests};
use crate::process::{root, target_dir};
use crate::tools::ensure_npm_packages;

const BROWSER_TESTS: &str = "chapters/ch07-local-demo/browser";
/// Where the book keeps the screenshot it shows (refreshed by `--update-screenshot`).
const BOOK_SCREENSHOT: &str = "book/src/images/local-demo.png";

pub fn run_tests(counts: &mut TestCounts, update_screenshot: bool) -> Result<()> {
    let folder = root().join(BROWSER_TESTS);
    ensure_npm_packages(&folder)?;
    let screenshot = target_dir().join("screenshots/local-demo.png");
    let _ = std::fs::remove_file(&screenshot);
    std::fs::create_dir_all(screenshot.parent().expect("a folder"))?;
    let binary = built_by_tests()?;

    // For the book's screenshot, the ports the chapter prints (the defaults); otherwise free ones.
    let demo = DemoProcess::start_with(&binary, &[], !update_screenshot)?;
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
