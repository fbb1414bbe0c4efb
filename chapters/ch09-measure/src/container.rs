//! The server under load: how fast it starts, how many requests a second it answers at a fixed
//! concurrency (with `wrk`, a real load generator), at what latency, for how much CPU time per
//! request, and in how much memory.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};

use crate::backing::Backing;
use crate::machine::{cpu_seconds, memory_kib};
use crate::stats::{Summary, summarize};

/// A server process the harness started; killed when dropped.
#[derive(Debug)]
pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    /// Starts `binary` with `args`, and reads its address from the line it prints that holds
    /// `http://` (blog-server) or `listening on` (hello-server).
    pub fn start(binary: &Path, args: &[&str], env: &[(String, String)]) -> Result<Self> {
        let mut child = on_core(SERVER_CORE, binary)
            .args(args)
            // No access log unless the caller asks for one (the ceiling has none either).
            .env("RUST_LOG", "warn")
            .envs(env.iter().cloned())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line)?;
        let url = if let Some((_, url)) = line.split_once("http://") {
            format!("http://{}", url.trim().trim_end_matches('/'))
        } else if let Some((_, address)) = line.split_once("listening on ") {
            format!("http://{}", address.trim())
        } else {
            bail!("{} printed no address: {line:?}", binary.display());
        };
        Ok(Self { child, url })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server runs on one core and `wrk` on the other, so that they do not take turns on the
/// same one: each figure is what one core serves.
pub const SERVER_CORE: &str = "0";
pub const LOAD_CORE: &str = "1";

/// `program` pinned to one core (`taskset` execs it: the process id stays the program's).
fn on_core(core: &str, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = Command::new("taskset");
    command.args(["-c", core]).arg(program);
    command
}

/// Process start until the first `200` on `/health`, `runs` times.
pub fn start_to_health(binary: &Path, env: &[(String, String)], runs: usize) -> Result<Summary> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let port = ch02_dynamodb::local::free_port()?;
        let started = Instant::now();
        let mut child = Command::new(binary)
            .args(["--port", &port.to_string()])
            .envs(env.iter().cloned())
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        loop {
            if health_is_200(port) {
                times.push(started.elapsed());
                break;
            }
            if started.elapsed() > Duration::from_secs(30) {
                bail!("{} never answered /health", binary.display());
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    Ok(summarize(&times))
}

fn health_is_200(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.write_all(b"GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    let mut answer = [0u8; 12];
    stream.read_exact(&mut answer).is_ok() && answer.starts_with(b"HTTP/1.1 200")
}

/// One load run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Load {
    pub name: String,
    pub store: Backing,
    pub connections: u32,
    pub seconds: u32,
    pub requests: u64,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Answers that were not 2xx or 3xx, and socket errors.
    pub failures: u64,
    /// The server's CPU time (user and system) per request.
    pub cpu_us_per_request: f64,
    pub rss_kib_after: u64,
}

/// One route a load run sends its requests to, and the row it is reported as.
#[derive(Debug, Clone, Copy)]
pub struct Route<'a> {
    /// The row's name (`GET /blog/{id}`).
    pub name: &'a str,
    /// The row's store, or what else sets the run apart (the access log on).
    pub store: Backing,
    pub path: &'a str,
    /// A Lua file for `wrk` that sets the method and body, for writes.
    pub script: Option<&'a Path>,
}

/// How hard and how long a load run presses.
#[derive(Debug, Clone, Copy)]
pub struct Pressure {
    pub connections: u32,
    pub seconds: u32,
}

/// `wrk` against `server`'s `route` with the `pressure`'s open connections and duration, one
/// thread on its own core.
pub fn load(server: &Server, route: Route<'_>, pressure: Pressure) -> Result<Load> {
    let Route {
        name,
        store,
        path,
        script,
    } = route;
    let Pressure {
        connections,
        seconds,
    } = pressure;
    let cpu_before = cpu_seconds(server.pid());
    let mut command = on_core(LOAD_CORE, "wrk");
    command.args([
        "--latency",
        "-t1",
        &format!("-c{connections}"),
        &format!("-d{seconds}s"),
    ]);
    if let Some(script) = script {
        command.arg("-s").arg(script);
    }
    let output = command
        .arg(format!("{}{path}", server.url))
        .output()
        .context("cannot run wrk (Debian's package wrk)")?;
    let cpu = cpu_seconds(server.pid()) - cpu_before;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        bail!(
            "wrk failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let parsed =
        WrkOutput::parse(&text).with_context(|| format!("cannot read wrk's output:\n{text}"))?;
    Ok(Load {
        name: name.to_owned(),
        store,
        connections,
        seconds,
        requests: parsed.requests,
        requests_per_second: parsed.requests_per_second,
        p50_ms: parsed.p50_ms,
        p99_ms: parsed.p99_ms,
        failures: parsed.failures,
        cpu_us_per_request: cpu * 1e6 / parsed.requests.max(1) as f64,
        rss_kib_after: memory_kib(server.pid()).0,
    })
}

/// What `wrk --latency` prints that the harness reads.
#[derive(Debug, Clone, PartialEq)]
pub struct WrkOutput {
    pub requests: u64,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub failures: u64,
}

impl WrkOutput {
    pub fn parse(text: &str) -> Option<Self> {
        let percentile = |label: &str| {
            text.lines()
                .map(str::trim)
                .find_map(|line| line.strip_prefix(label))
                .and_then(|rest| duration_ms(rest.trim()))
        };
        let requests = text
            .lines()
            .find_map(|line| line.trim().split_once(" requests in "))
            .and_then(|(count, _)| count.trim().parse().ok())?;
        let requests_per_second = text
            .lines()
            .find_map(|line| line.trim().strip_prefix("Requests/sec:"))
            .and_then(|rest| rest.trim().parse().ok())?;
        let non_2xx: u64 = text
            .lines()
            .find_map(|line| line.trim().strip_prefix("Non-2xx or 3xx responses:"))
            .and_then(|rest| rest.trim().parse().ok())
            .unwrap_or(0);
        let socket_errors: u64 = text
            .lines()
            .find_map(|line| line.trim().strip_prefix("Socket errors:"))
            .map(|rest| {
                rest.split(',')
                    .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                    .sum()
            })
            .unwrap_or(0);
        Some(Self {
            requests,
            requests_per_second,
            p50_ms: percentile("50%")?,
            p99_ms: percentile("99%")?,
            failures: non_2xx + socket_errors,
        })
    }
}

/// `1.23ms`, `456.00us`, `1.01s` as milliseconds.
fn duration_ms(text: &str) -> Option<f64> {
    let (number, factor) = if let Some(number) = text.strip_suffix("us") {
        (number, 0.001)
    } else if let Some(number) = text.strip_suffix("ms") {
        (number, 1.0)
    } else if let Some(number) = text.strip_suffix('s') {
        (number, 1000.0)
    } else {
        return None;
    };
    number.trim().parse::<f64>().ok().map(|n| n * factor)
}

/// A Lua script for `wrk` that sends `POST` with a JSON body.
pub fn post_script(folder: &Path, body: &str) -> Result<PathBuf> {
    let path = folder.join("post.lua");
    std::fs::write(
        &path,
        format!(
            "wrk.method = \"POST\"\nwrk.body = [[{body}]]\nwrk.headers[\"content-type\"] = \"application/json\"\n"
        ),
    )?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrks_output() {
        let text = "Running 5s test @ http://127.0.0.1:8080/health\n  2 threads and 32 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency   301.12us  120.40us   4.21ms   80.00%\n  Latency Distribution\n     50%  280.00us\n     75%  330.00us\n     90%  420.00us\n     99%    1.10ms\n  412345 requests in 5.00s, 60.00MB read\n  Socket errors: connect 0, read 2, write 0, timeout 1\n  Non-2xx or 3xx responses: 4\nRequests/sec:  82469.00\nTransfer/sec:     12.00MB\n";
        let parsed = WrkOutput::parse(text).unwrap();
        assert_eq!(parsed.requests, 412_345);
        assert_eq!(parsed.requests_per_second, 82_469.0);
        assert!((parsed.p50_ms - 0.28).abs() < 1e-9);
        assert!((parsed.p99_ms - 1.1).abs() < 1e-9);
        assert_eq!(parsed.failures, 7);
    }
}
