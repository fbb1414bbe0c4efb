//! Starts the real `blog-server` binary on a free port for black-box tests.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `blog-server`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub address: SocketAddr,
}

impl Server {
    /// Starts the server with extra flags and environment, and waits for its address.
    pub fn start<'a>(args: &[&str], envs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_blog-server"))
            .args(["--port", "0"])
            .args(args)
            .envs(envs)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .expect("start blog-server");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the address line");
        let address = line
            .trim()
            .strip_prefix("ContainersURL: http://")
            .and_then(|rest| rest.trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"));
        Self { child, address }
    }

    /// Sends SIGTERM, as ECS does to stop a task.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    /// Waits for the process to exit (polling its status), failing after `limit`.
    pub async fn exit_status(&mut self, limit: Duration) -> std::process::ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("read the exit status") {
                return status;
            }
            assert!(
                started.elapsed() < limit,
                "the server did not exit in {limit:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
