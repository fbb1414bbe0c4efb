//! One moto server for a whole test run: started before `cargo test`, its endpoint handed to every
//! test binary in `BLOG_MOTO_ENDPOINT` (chapter 2's `LocalDynamo::shared` then uses it instead of
//! starting one per binary; each test makes tables of its own), stopped when the run ends. It is
//! started by chapter 2's own launcher, so it stops with this process even if that is killed.

use std::fs::File;
use std::io::{BufRead as _, BufReader};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{Context as _, Result, bail};

use crate::process::{root, target_dir};

/// The variable chapter 2's `LocalDynamo::shared` reads.
pub const ENDPOINT_VAR: &str = "BLOG_MOTO_ENDPOINT";

/// Chapter 2's launcher: moto on a port the OS picks (its first line), stopped when its standard
/// input closes.
const LAUNCHER: &str = "chapters/ch02-dynamodb/src/moto_launcher.py";

/// A running moto server, stopped on drop.
#[derive(Debug)]
pub struct SharedMoto {
    child: Child,
    pub endpoint: String,
}

impl SharedMoto {
    /// Starts moto with the venv's `python` and returns once it listens: the launcher's first
    /// line is the port moto bound.
    pub fn start(python: &Path) -> Result<Self> {
        let log_path = target_dir().join("tmp/moto-shared.log");
        std::fs::create_dir_all(log_path.parent().expect("a folder"))?;
        let log = File::create(&log_path)?;
        let launcher = std::fs::read_to_string(root().join(LAUNCHER))
            .with_context(|| format!("cannot read {LAUNCHER}"))?;
        let mut child = Command::new(python)
            .args(["-c", &launcher])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot run {}", python.display()))?;
        let mut first_line = String::new();
        BufReader::new(child.stdout.take().expect("piped")).read_line(&mut first_line)?;
        let Ok(port) = first_line.trim().parse::<u16>() else {
            let _ = child.kill();
            bail!("moto did not start; see {}", log_path.display());
        };
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        println!("moto listens on {address} for every test binary of this run");
        Ok(Self {
            child,
            endpoint: format!("http://{address}"),
        })
    }
}

impl Drop for SharedMoto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
