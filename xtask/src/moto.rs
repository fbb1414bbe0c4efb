//! One moto server for a whole test run: started before `cargo test`, its endpoint handed to every
//! test binary in `BLOG_MOTO_ENDPOINT` (chapter 2's `LocalDynamo::shared` then uses it instead of
//! starting one per binary; each test makes tables of its own), stopped when the run ends. It is
//! started by chapter 2's own launcher, so it stops with this process even if that is killed.

use std::fs::File;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::process::{root, target_dir};

/// The variable chapter 2's `LocalDynamo::shared` reads.
pub const ENDPOINT_VAR: &str = "BLOG_MOTO_ENDPOINT";

/// Chapter 2's launcher: moto on a given port, stopped when its standard input closes.
const LAUNCHER: &str = "chapters/ch02-dynamodb/src/moto_launcher.py";

/// A running moto server, stopped on drop.
#[derive(Debug)]
pub struct SharedMoto {
    child: Child,
    pub endpoint: String,
}

impl SharedMoto {
    /// Starts moto with the venv's `python` on a free loopback port and returns once it accepts
    /// connections (or fails with its log's place if it exits or takes over a minute).
    pub fn start(python: &Path) -> Result<Self> {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
            .local_addr()?
            .port();
        let log_path = target_dir().join("tmp/moto-shared.log");
        std::fs::create_dir_all(log_path.parent().expect("a folder"))?;
        let log = File::create(&log_path)?;
        let launcher = std::fs::read_to_string(root().join(LAUNCHER))
            .with_context(|| format!("cannot read {LAUNCHER}"))?;
        let mut child = Command::new(python)
            .args(["-c", &launcher, &port.to_string()])
            .stdin(Stdio::piped())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot run {}", python.display()))?;
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                break;
            }
            if let Some(status) = child.try_wait()? {
                bail!(
                    "moto exited with {status} before it was ready; see {}",
                    log_path.display()
                );
            }
            if Instant::now() > deadline {
                bail!("moto did not start in 60 s; see {}", log_path.display());
            }
            // Poll the port: moto says nothing when it is ready that a pipe could wait on.
            std::thread::sleep(Duration::from_millis(100));
        }
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
