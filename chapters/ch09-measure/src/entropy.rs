//! What a process's first random numbers cost: AWS-LC seeds its generator from two sources, the
//! operating system's and CPU jitter (timing its own work, many times over), on the first
//! request for random bytes. A function's first TLS handshake is that first request.

use std::path::Path;
use std::process::Stdio;

use anyhow::{Context as _, Result, bail};

use crate::cpu_share::CpuQuota;
use crate::stats::{Summary, summarize};

/// Runs the `first-random` probe `runs` times, held to `quota` when given one, and summarizes
/// how long its first random bytes took.
pub async fn first_random(probe: &Path, quota: Option<&CpuQuota>, runs: usize) -> Result<Summary> {
    let mut took = Vec::with_capacity(runs);
    for _ in 0..runs {
        let mut command = tokio::process::Command::new(probe);
        command.stdout(Stdio::piped()).kill_on_drop(true);
        let child = match quota {
            Some(quota) => quota.spawn_inside(&mut command)?,
            None => command
                .spawn()
                .with_context(|| format!("cannot start {}", probe.display()))?,
        };
        let output = child.wait_with_output().await?;
        if !output.status.success() {
            bail!("{} failed", probe.display());
        }
        let printed = String::from_utf8_lossy(&output.stdout);
        let first: u64 = printed
            .split_whitespace()
            .next()
            .and_then(|micros| micros.parse().ok())
            .with_context(|| format!("{} printed {printed:?}", probe.display()))?;
        took.push(std::time::Duration::from_micros(first));
    }
    Ok(summarize(&took))
}
