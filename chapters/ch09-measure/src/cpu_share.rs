//! The CPU a function gets at a memory size, on this machine. Lambda allocates CPU in proportion
//! to the memory a function is configured with: at 1,769 MB a function has the equivalent of one
//! vCPU ("one vCPU-second of credits per second", AWS Lambda Developer Guide, "Configure Lambda
//! function memory"), so 128 MB is about 7% of one. The harness gives a measured process the same
//! share with the kernel's CPU bandwidth control: a cgroup whose quota is that share of a period.
//!
//! AWS does not document how Lambda enforces the share. The kernel takes a quota of at least 1 ms
//! and accounts CPU time at its scheduler tick (4 ms on this machine), so a period much shorter
//! than a few ticks gives less CPU than asked, and a long one (the kernel's default is 100 ms)
//! lets a short burst, such as a cold start, run at a whole core before it is held back. The
//! harness takes 20 ms, or longer where the 1 ms minimum quota needs it, and measures the share it
//! really got ([`effective_share`]) so that the model's error is printed beside its figures.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};

// ANCHOR: share
/// The memory size at which a function has one vCPU.
pub const ONE_VCPU_MB: u32 = 1769;

/// The memory sizes the curve is measured at: Lambda's smallest, the doublings, one vCPU.
pub const MEMORY_SIZES_MB: [u32; 5] = [128, 256, 512, 1024, ONE_VCPU_MB];

/// The share of one vCPU a function of `memory_mb` gets: 128 MB is 0.072.
pub fn cpu_share(memory_mb: u32) -> f64 {
    f64::from(memory_mb) / f64::from(ONE_VCPU_MB)
}

/// The kernel's CFS quota and period for a share of one CPU, in microseconds: a period of 20 ms,
/// or longer where the quota would fall under the kernel's minimum of 1 ms.
pub fn quota_and_period_us(share: f64) -> (u64, u64) {
    const MIN_QUOTA_US: f64 = 1000.0;
    const PERIOD_US: f64 = 20_000.0;
    let period = (MIN_QUOTA_US / share).max(PERIOD_US);
    ((share * period).round() as u64, period.round() as u64)
}

/// The memory size the stack takes from the curve: the smallest whose first caller's wait
/// (`(memory_mb, init + first call in ms)`) is at most `budget_vs_one_vcpu` times the wait at
/// one vCPU ([`ONE_VCPU_MB`], which the curve must hold). Prices only grow with memory for a
/// function that mostly waits, so the smallest that meets the budget is the cheapest.
pub fn choose_memory(curve: &[(u32, f64)], budget_vs_one_vcpu: f64) -> Option<u32> {
    let (_, at_one_vcpu) = curve.iter().find(|(mb, _)| *mb == ONE_VCPU_MB)?;
    curve
        .iter()
        .filter(|(_, wait_ms)| *wait_ms <= budget_vs_one_vcpu * at_one_vcpu)
        .map(|(memory_mb, _)| *memory_mb)
        .min()
}
// ANCHOR_END: share

/// When the function gets its share: AWS does not document how much CPU init gets, and public
/// measurements report it boosted, so the harness measures both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InitCpu {
    /// Init at the full CPU of this machine's core; invocations at the share.
    Full,
    /// Init and invocations at the share.
    Share,
}

/// Which cgroup interface this machine offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Interface {
    /// cgroup v1's `cpu` controller: `cpu.cfs_quota_us` and `cpu.cfs_period_us`.
    V1,
    /// cgroup v2: `cpu.max`.
    V2,
}

/// A cgroup that holds processes to a share of one CPU, removed when dropped (once its processes
/// have exited).
#[derive(Debug)]
pub struct CpuQuota {
    dir: PathBuf,
    /// The controller's root, where a thread goes back to.
    parent: PathBuf,
    interface: Interface,
    procs: File,
    pub memory_mb: u32,
}

impl CpuQuota {
    /// A cgroup with the share of `memory_mb`. Fails with one line when this machine offers no
    /// writable CPU controller (the measurements need root, or a delegated cgroup).
    pub fn for_memory(memory_mb: u32) -> Result<Self> {
        let (interface, parent) = Self::controller()?;
        let dir = parent.join(format!(
            "serverless-blog-{}-{memory_mb}mb",
            std::process::id()
        ));
        if !dir.exists() {
            std::fs::create_dir(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let (quota, period) = quota_and_period_us(cpu_share(memory_mb));
        match interface {
            Interface::V1 => {
                // The period first: a quota larger than the old period may be refused.
                write(&dir.join("cpu.cfs_period_us"), &period.to_string())?;
                write(&dir.join("cpu.cfs_quota_us"), &quota.to_string())?;
            }
            Interface::V2 => write(&dir.join("cpu.max"), &format!("{quota} {period}"))?,
        }
        let procs = File::options()
            .append(true)
            .open(dir.join("cgroup.procs"))
            .with_context(|| format!("cannot open {}/cgroup.procs", dir.display()))?;
        Ok(Self {
            dir,
            parent,
            interface,
            procs,
            memory_mb,
        })
    }

    fn controller() -> Result<(Interface, PathBuf)> {
        let v1 = Path::new("/sys/fs/cgroup/cpu");
        if v1.join("cpu.cfs_quota_us").exists() {
            return Ok((Interface::V1, v1.to_path_buf()));
        }
        let v2 = Path::new("/sys/fs/cgroup");
        let controllers =
            std::fs::read_to_string(v2.join("cgroup.controllers")).unwrap_or_default();
        if controllers.split_whitespace().any(|name| name == "cpu") {
            return Ok((Interface::V2, v2.to_path_buf()));
        }
        bail!(
            "no CPU controller to write to (cgroup v1 /sys/fs/cgroup/cpu or v2 /sys/fs/cgroup with \
             `cpu`): the measurements at a memory size's CPU share need root or a delegated cgroup"
        )
    }

    /// Moves a running process into the cgroup.
    pub fn add(&self, pid: u32) -> Result<()> {
        (&self.procs)
            .write_all(pid.to_string().as_bytes())
            .with_context(|| format!("cannot move process {pid} into {}", self.dir.display()))
    }

    /// Starts `command` inside the cgroup from its first instruction. A child inherits the
    /// cgroup of the thread that spawns it, so with cgroup v1 the spawning thread joins the
    /// cgroup for the moment of the spawn and leaves it at once: the child starts as fast as any
    /// other (no fork of this large process, as moving the child itself before `exec` would
    /// need, which would be counted in its init). With cgroup v2 a thread cannot leave its
    /// process's cgroup, so the child moves itself before `exec`.
    pub fn spawn_inside(
        &self,
        command: &mut tokio::process::Command,
    ) -> Result<tokio::process::Child> {
        match self.interface {
            Interface::V1 => {
                let thread = std::fs::read_link("/proc/thread-self")
                    .context("which thread is this")?
                    .file_name()
                    .map(|tid| tid.to_string_lossy().into_owned())
                    .context("a thread id")?;
                write(&self.dir.join("tasks"), &thread)?;
                let child = command.spawn();
                write(&self.parent.join("tasks"), &thread)?;
                Ok(child?)
            }
            Interface::V2 => {
                let procs = self.procs.try_clone()?;
                // SAFETY: between fork and exec the child only calls write(2) on a descriptor
                // opened before the fork (writing `0` to `cgroup.procs` moves the writer): no
                // allocation, no lock, nothing that is not async-signal-safe.
                unsafe {
                    command.pre_exec(move || (&procs).write_all(b"0"));
                }
                Ok(command.spawn()?)
            }
        }
    }

    /// How many periods the kernel has throttled the cgroup's processes in so far: proof that
    /// the quota bit.
    pub fn throttled_periods(&self) -> Result<u64> {
        let stat = std::fs::read_to_string(self.dir.join("cpu.stat"))?;
        Ok(stat
            .lines()
            .find_map(|line| line.strip_prefix("nr_throttled "))
            .and_then(|count| count.trim().parse().ok())
            .unwrap_or(0))
    }
}

impl Drop for CpuQuota {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// The share of one CPU `quota` really gives: the same CPU-bound work (`sha256sum` of 16 MiB)
/// timed on a whole core and inside the cgroup, best of three each.
pub async fn effective_share(quota: &CpuQuota) -> Result<f64> {
    let work = std::env::temp_dir().join(format!("cpu-share-work-{}", std::process::id()));
    std::fs::write(&work, vec![0u8; 16 << 20])?;
    let best_of_three = async |inside: bool| -> Result<f64> {
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            let mut command = tokio::process::Command::new("sha256sum");
            command.arg(&work).stdout(std::process::Stdio::null());
            let started = std::time::Instant::now();
            let mut child = match inside {
                true => quota.spawn_inside(&mut command)?,
                false => command.spawn().context("cannot run sha256sum")?,
            };
            anyhow::ensure!(child.wait().await?.success(), "sha256sum failed");
            best = best.min(started.elapsed().as_secs_f64());
        }
        Ok(best)
    };
    let free = best_of_three(false).await?;
    let held = best_of_three(true).await?;
    let _ = std::fs::remove_file(&work);
    Ok(free / held)
}

fn write(path: &Path, value: &str) -> Result<()> {
    std::fs::write(path, value)
        .with_context(|| format!("cannot write {value} to {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shares_are_lambdas() {
        assert!((cpu_share(ONE_VCPU_MB) - 1.0).abs() < 1e-9);
        assert!((cpu_share(128) - 0.0724).abs() < 1e-3);
    }

    #[test]
    fn the_quota_is_never_below_the_kernels_minimum_and_gives_the_share() {
        for memory in MEMORY_SIZES_MB {
            let share = cpu_share(memory);
            let (quota, period) = quota_and_period_us(share);
            assert!(quota >= 1000, "{memory} MB: {quota} µs");
            let given = quota as f64 / period as f64;
            assert!(
                (given - share).abs() / share < 0.01,
                "{memory} MB: {given} vs {share}"
            );
        }
        assert_eq!(quota_and_period_us(cpu_share(128)), (1447, 20000));
        assert_eq!(quota_and_period_us(0.01), (1000, 100_000));
    }

    #[test]
    fn the_smallest_size_within_the_budget_is_chosen() {
        let curve = [
            (128, 400.0),
            (256, 200.0),
            (512, 110.0),
            (1024, 70.0),
            (ONE_VCPU_MB, 50.0),
        ];
        assert_eq!(choose_memory(&curve, 3.0), Some(512));
        assert_eq!(choose_memory(&curve, 1.0), Some(ONE_VCPU_MB));
        assert_eq!(choose_memory(&curve, 0.5), None);
        assert_eq!(choose_memory(&curve[..4], 3.0), None, "no one-vCPU point");
    }

    /// The stack's memory size is the one the committed curve chooses: a new measurement that
    /// moves the choice fails here until the stack follows it.
    #[test]
    fn the_stacks_memory_size_is_the_curves_choice() {
        use ch06_infrastructure::settings::{COLD_START_BUDGET_VS_ONE_VCPU, FUNCTION_MEMORY_MB};
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/src/measurements/results.json");
        let results: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let curve: Vec<(u32, f64)> = results["memory_curve"]
            .as_array()
            .expect("the results have a memory curve")
            .iter()
            .map(|point| {
                (
                    point["memory_mb"].as_u64().unwrap() as u32,
                    point["init_at_share"]["init_and_first_ms"]["p50"]
                        .as_f64()
                        .unwrap(),
                )
            })
            .collect();
        assert_eq!(curve.len(), MEMORY_SIZES_MB.len(), "a full run's curve");
        assert_eq!(
            choose_memory(&curve, COLD_START_BUDGET_VS_ONE_VCPU),
            Some(FUNCTION_MEMORY_MB),
            "{curve:?}"
        );
    }
}
