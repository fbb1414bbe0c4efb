//! Chapter 7's `local-demo`, started on free ports for the browser tests and the contract
//! tests, and stopped cleanly.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context as _, Result, bail};

use crate::process::{run, target_dir};

/// The demo `cargo test --workspace` built for chapter 7's tests, with the test build's features:
/// the contract and the browser tests run that binary instead of building another.
pub fn built_by_tests() -> Result<PathBuf> {
    let binary = target_dir().join("debug/local-demo");
    if !binary.exists() {
        bail!(
            "{} is not built: it is `cargo test --workspace`'s, which runs first",
            binary.display()
        );
    }
    Ok(binary)
}

/// A `local-demo` process and the URLs it printed; killed when dropped.
pub struct DemoProcess {
    child: Child,
    pub urls: HashMap<String, String>,
}

impl DemoProcess {
    pub fn start(binary: &Path, args: &[&str]) -> Result<Self> {
        Self::start_with(binary, args, true)
    }

    /// [`DemoProcess::start`] on the default ports the book shows when `free_ports` is false
    /// (for the screenshot); it fails if one of them is taken.
    pub fn start_with(binary: &Path, args: &[&str], free_ports: bool) -> Result<Self> {
        let ports: &[&str] = if free_ports {
            &[
                "--functions-port",
                "0",
                "--containers-port",
                "0",
                "--all-routes-port",
                "0",
                "--web-adapter-port",
                "0",
                "--http-api-port",
                "0",
                "--all-routes-function-port",
                "0",
                "--demo-port",
                "0",
                "--book-port",
                "0",
            ]
        } else {
            &[]
        };
        let mut child = Command::new(binary)
            .env("LAMBDA_ADAPTER", crate::tools::adapter_binary())
            .args(ports)
            .args(["--store", "memory"])
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
        for key in [
            "FunctionsURL",
            "ContainersURL",
            "AllRoutesURL",
            "WebAdapterURL",
            "HttpApiURL",
            "AllRoutesFunctionURL",
            "Demo",
            "Book",
        ] {
            if !urls.contains_key(key) {
                bail!("local-demo did not print {key}");
            }
        }
        Ok(Self { child, urls })
    }

    /// SIGTERM, then the exit status must be 0: the demo stops cleanly.
    pub fn stop(mut self) -> Result<()> {
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
