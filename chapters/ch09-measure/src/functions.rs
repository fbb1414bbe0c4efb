//! Cold starts and warm invocations of real function binaries, run the way Lambda runs them:
//! spawned with `AWS_LAMBDA_RUNTIME_API` pointing at [`RuntimeApi`], fed proxy events, timed.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use bytes::Bytes;
use ch06_infrastructure::settings::FUNCTION_MEMORY_MB;
use serde::Serialize;
use tokio::process::Command;

use crate::backing::Backing;
use crate::cpu_share::{CpuQuota, InitCpu};
use crate::keepalive::Connections;
use crate::machine::memory_kib;
use crate::runtime_api::{Invocation, Report, RuntimeApi, lambda_env};
use crate::stats::{Summary, summarize};

/// A function to measure: its binary, its environment, the event of each invocation, the CPU it
/// gets, and the store column it is reported under.
pub struct Function {
    pub name: String,
    pub store: Backing,
    pub binary: PathBuf,
    pub env: Vec<(String, String)>,
    /// The `n`th invocation's event (so a delete can delete a different post each time).
    pub event: Box<dyn Fn(usize) -> Bytes + Send + Sync>,
    pub cpu: Cpu,
    /// The connections the store's endpoint has accepted, when it counts them: read at the end
    /// of init and after the first call, to see which of the two opened the connection.
    pub connections: Option<Connections>,
}

/// The CPU a measured function gets.
#[derive(Debug, Clone)]
pub enum Cpu {
    /// A whole core of this machine.
    Full,
    /// A memory size's share of one CPU, for init too or only after it.
    Share { quota: Arc<CpuQuota>, init: InitCpu },
}

impl Cpu {
    /// The memory size whose share this is, if it is one.
    pub fn memory_mb(&self) -> Option<u32> {
        match self {
            Self::Full => None,
            Self::Share { quota, .. } => Some(quota.memory_mb),
        }
    }

    fn init(&self) -> Option<InitCpu> {
        match self {
            Self::Full => None,
            Self::Share { init, .. } => Some(*init),
        }
    }
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Function")
            .field("name", &self.name)
            .field("store", &self.store)
            .field("binary", &self.binary)
            .finish_non_exhaustive()
    }
}

/// What one function measured.
#[derive(Debug, Clone, Serialize)]
pub struct FunctionResult {
    pub name: String,
    pub store: Backing,
    /// The memory size whose CPU share the function ran at; `None` for a whole core.
    pub memory_mb: Option<u32>,
    /// Whether init ran at the share too; `None` for a whole core.
    pub init_cpu: Option<InitCpu>,
    /// Periods in which the kernel held the function back to its share: above zero whenever the
    /// share bit.
    pub throttled_periods: u64,
    /// Spawn until the function first asks for an event: everything `main` does before the
    /// handler runs (the runtime, the logs, the store's client).
    pub init_ms: Summary,
    /// The first invocation of a fresh process.
    pub first_invocation_ms: Summary,
    /// Init and the first invocation together: what the first caller waits for (moving work from
    /// init into the first call is no gain).
    pub init_and_first_ms: Summary,
    /// Invocations of a process that has already answered one.
    pub warm_ms: Summary,
    pub peak_rss_kib: u64,
    pub answers: usize,
    pub answers_2xx: usize,
    /// Connections to the store opened during init and during the first call, over every cold
    /// start; `None` where the endpoint does not count them.
    pub opened_connections: Option<OpenedConnections>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OpenedConnections {
    pub in_init: u64,
    pub in_first_call: u64,
}

/// The status code inside a proxy response (`{"statusCode": 200, ...}`), or 0.
fn status_of(body: &[u8]) -> u16 {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|json| json["statusCode"].as_u64())
        .and_then(|code| u16::try_from(code).ok())
        .unwrap_or(0)
}

// ANCHOR: measure
/// Starts each function `cold_starts` times, taking the functions in turn, so that a busy moment
/// of the machine falls on all of them alike, the floor included. Each fresh process gets one
/// invocation; each function's first process gets `warm` more after it.
pub async fn measure(
    functions: &[Function],
    cold_starts: usize,
    warm: usize,
) -> Result<Vec<FunctionResult>> {
    let mut tallies = Vec::new();
    for _ in functions {
        tallies.push(Tally::new(RuntimeApi::start().await?));
    }
    for run in 0..cold_starts {
        for (function, tally) in functions.iter().zip(&mut tallies) {
            let invocations = if run == 0 { 1 + warm } else { 1 };
            one_process(function, tally, invocations).await?;
        }
    }
    Ok(functions
        .iter()
        .zip(tallies)
        .map(|(function, tally)| tally.result(function))
        .collect())
}

/// Spawns `function` once, times its init, and invokes it `invocations` times.
async fn one_process(function: &Function, tally: &mut Tally, invocations: usize) -> Result<()> {
    let api = &mut tally.api;
    // The command is ready before the clock starts: init is the process's own time.
    let mut command = Command::new(&function.binary);
    command
        .env_clear()
        .envs(lambda_env(
            &api.env_value(),
            &function.name,
            function.cpu.memory_mb().unwrap_or(FUNCTION_MEMORY_MB),
        ))
        .envs(function.env.iter().cloned())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let before = function.connections.as_ref().map(Connections::count);
    let spawned = Instant::now();
    let mut child = match &function.cpu {
        Cpu::Share {
            quota,
            init: InitCpu::Share,
        } => quota.spawn_inside(&mut command),
        _ => command.spawn().map_err(anyhow::Error::from),
    }
    .with_context(|| format!("cannot start {}", function.binary.display()))?;
    let init = match next_report(api).await? {
        Report::WantsNext(at) => at - spawned,
        other => bail!("{} did not finish init: {other:?}", function.name),
    };
    tally.init.push(init);
    let after_init = function.connections.as_ref().map(Connections::count);
    if let (
        Cpu::Share {
            quota,
            init: InitCpu::Full,
        },
        Some(pid),
    ) = (&function.cpu, child.id())
    {
        quota.add(pid)?;
    }
    for call in 0..invocations {
        let id = format!("measured-{}", tally.invocation);
        let sent = Instant::now();
        api.invoke(Invocation {
            id: id.clone(),
            event: (function.event)(tally.invocation),
        })
        .await;
        tally.invocation += 1;
        let took = match next_report(api).await? {
            Report::Response {
                id: answered,
                body,
                at,
            } if answered == id => {
                tally.answers += 1;
                if (200..300).contains(&status_of(&body)) {
                    tally.answers_2xx += 1;
                }
                at - sent
            }
            other => bail!("{} did not answer {id}: {other:?}", function.name),
        };
        match call {
            0 => {
                tally.first.push(took);
                tally.both.push(init + took);
                if let (Some(before), Some(after_init), Some(connections)) =
                    (before, after_init, &function.connections)
                {
                    let opened = tally.opened_connections.get_or_insert_default();
                    opened.in_init += after_init - before;
                    opened.in_first_call += connections.count() - after_init;
                }
            }
            _ => tally.warm.push(took),
        }
        // The function asks for its next event once it has answered.
        match next_report(api).await? {
            Report::WantsNext(_) => {}
            other => bail!("{} did not ask for more: {other:?}", function.name),
        }
    }
    if let Some(pid) = child.id() {
        tally.peak_rss_kib = tally.peak_rss_kib.max(memory_kib(pid).1);
    }
    child.kill().await.ok();
    Ok(())
}
// ANCHOR_END: measure

/// What one function's processes have measured so far, and its own Runtime API.
struct Tally {
    api: RuntimeApi,
    init: Vec<Duration>,
    first: Vec<Duration>,
    both: Vec<Duration>,
    warm: Vec<Duration>,
    answers: usize,
    answers_2xx: usize,
    peak_rss_kib: u64,
    opened_connections: Option<OpenedConnections>,
    /// Invocations so far (each gets the next event).
    invocation: usize,
}

impl Tally {
    fn new(api: RuntimeApi) -> Self {
        Self {
            api,
            init: Vec::new(),
            first: Vec::new(),
            both: Vec::new(),
            warm: Vec::new(),
            answers: 0,
            answers_2xx: 0,
            peak_rss_kib: 0,
            opened_connections: None,
            invocation: 0,
        }
    }

    fn result(self, function: &Function) -> FunctionResult {
        FunctionResult {
            name: function.name.clone(),
            store: function.store,
            memory_mb: function.cpu.memory_mb(),
            init_cpu: function.cpu.init(),
            throttled_periods: match &function.cpu {
                Cpu::Full => 0,
                Cpu::Share { quota, .. } => quota.throttled_periods().unwrap_or(0),
            },
            init_ms: summarize(&self.init),
            first_invocation_ms: summarize(&self.first),
            init_and_first_ms: summarize(&self.both),
            warm_ms: summarize(&self.warm),
            peak_rss_kib: self.peak_rss_kib,
            answers: self.answers,
            answers_2xx: self.answers_2xx,
            opened_connections: self.opened_connections,
        }
    }
}

async fn next_report(api: &mut RuntimeApi) -> Result<Report> {
    tokio::time::timeout(Duration::from_secs(30), api.report())
        .await
        .context("the function did nothing for 30 s")?
        .context("the Runtime API stopped")
}
