//! Cold starts and warm invocations of real function binaries, run the way Lambda runs them:
//! spawned with `AWS_LAMBDA_RUNTIME_API` pointing at [`RuntimeApi`], fed proxy events, timed.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use bytes::Bytes;
use ch06_infrastructure::settings::FUNCTION_MEMORY_MB;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

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
    /// An external extension that talks to the Runtime API for the function, as chapter 10's
    /// Lambda Web Adapter does: `binary` is then a server, which prints one line on its standard
    /// output once it listens.
    pub extension: Option<Extension>,
}

/// An external extension: Lambda starts it first, from `/opt/extensions/<name>`.
#[derive(Debug, Clone)]
pub struct Extension {
    pub name: String,
    pub binary: PathBuf,
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// With an extension: init in its parts.
    pub init_parts: Option<InitPartsResult>,
}

/// A function run by an extension: its init in three parts that add up to it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InitPartsResult {
    /// The extension's start, to its registration.
    pub extension_ms: Summary,
    /// From the server's start (after the registration, as Lambda starts the runtime) to its
    /// start-up line: it listens.
    pub server_start_ms: Summary,
    /// From then until both the extension and the runtime side have asked for their next event:
    /// the extension's readiness check found the server.
    pub readiness_ms: Summary,
}

/// The result of function `name` on `store` among `results`, if it was measured.
pub fn measured<'a>(
    results: &'a [FunctionResult],
    name: &str,
    store: Backing,
) -> Option<&'a FunctionResult> {
    results.iter().find(|f| f.name == name && f.store == store)
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    for function in functions {
        tallies.push(Tally::new(match &function.extension {
            Some(extension) => RuntimeApi::with_extensions(&[&extension.name]).await?,
            None => RuntimeApi::start().await?,
        }));
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
// ANCHOR_END: measure

/// Spawns `function` once, times its init, and invokes it `invocations` times.
async fn one_process(function: &Function, tally: &mut Tally, invocations: usize) -> Result<()> {
    let api = &mut tally.api;
    let env = lambda_env(
        &api.env_value(),
        &function.name,
        function.cpu.memory_mb().unwrap_or(FUNCTION_MEMORY_MB),
    );
    let before = function.connections.as_ref().map(Connections::count);
    let (mut children, init) = match &function.extension {
        None => {
            let (child, init) = start_runtime(function, api, &env).await?;
            (vec![child], init)
        }
        Some(extension) => {
            let (children, parts) = start_with_extension(function, extension, api, &env).await?;
            tally.parts.push(parts);
            (children, parts.whole)
        }
    };
    let child = &children[0];
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
    // Every process of the environment counts: the extension's and the server's.
    let peak: u64 = children
        .iter()
        .filter_map(Child::id)
        .map(|pid| memory_kib(pid).1)
        .sum();
    tally.peak_rss_kib = tally.peak_rss_kib.max(peak);
    for child in &mut children {
        child.kill().await.ok();
    }
    Ok(())
}

/// The command for one of the environment's processes: Lambda's variables and the function's.
fn command_for(binary: &Path, function: &Function, env: &[(String, String)]) -> Command {
    let mut command = Command::new(binary);
    command
        .env_clear()
        .envs(env.iter().cloned())
        .envs(function.env.iter().cloned())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    command
}

/// Starts the function's own binary and waits for its first `next`: init.
async fn start_runtime(
    function: &Function,
    api: &mut RuntimeApi,
    env: &[(String, String)],
) -> Result<(Child, Duration)> {
    // The command is ready before the clock starts: init is the process's own time.
    let mut command = command_for(&function.binary, function, env);
    let spawned = Instant::now();
    let child = match &function.cpu {
        Cpu::Share {
            quota,
            init: InitCpu::Share,
        } => quota.spawn_inside(&mut command),
        _ => command.spawn().map_err(anyhow::Error::from),
    }
    .with_context(|| format!("cannot start {}", function.binary.display()))?;
    match next_report(api).await? {
        Report::WantsNext(at) => Ok((child, at - spawned)),
        other => bail!("{} did not finish init: {other:?}", function.name),
    }
}

/// How long each part of an init with an extension took, and the whole (which also holds the
/// moment between the registration and the server's start).
#[derive(Debug, Clone, Copy)]
struct InitParts {
    extension: Duration,
    server_start: Duration,
    readiness: Duration,
    whole: Duration,
}

/// Lambda's init with an external extension: the extension starts and registers, then the
/// runtime (here the server) starts, and init is over when the extension has asked for its next
/// event and the Runtime API has been asked for the first invocation. Returns the extension's
/// process and the server's, the server first.
async fn start_with_extension(
    function: &Function,
    extension: &Extension,
    api: &mut RuntimeApi,
    env: &[(String, String)],
) -> Result<(Vec<Child>, InitParts)> {
    if !matches!(function.cpu, Cpu::Full) {
        bail!(
            "{}: a function with an extension is measured at full CPU only",
            function.name
        );
    }
    let mut command = command_for(&extension.binary, function, env);
    let spawned = Instant::now();
    let adapter = command
        .spawn()
        .with_context(|| format!("cannot start {}", extension.binary.display()))?;
    let registered = match next_report(api).await? {
        Report::ExtensionRegistered { at, .. } => at,
        other => bail!("{} did not register: {other:?}", extension.name),
    };
    let mut command = command_for(&function.binary, function, env);
    command.stdout(Stdio::piped());
    let server_spawned = Instant::now();
    let mut server = command
        .spawn()
        .with_context(|| format!("cannot start {}", function.binary.display()))?;
    // The server's first line says it listens; the rest of its output is read and dropped.
    let stdout = server
        .stdout
        .take()
        .context("the server's standard output")?;
    let (listening_tx, listening) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let mut lines = BufReader::new(stdout).lines();
        if let Ok(Some(_)) = lines.next_line().await {
            let _ = listening_tx.send(Instant::now());
        }
        while let Ok(Some(_)) = lines.next_line().await {}
    });
    let (mut extension_next, mut runtime_next) = (None, None);
    while extension_next.is_none() || runtime_next.is_none() {
        match next_report(api).await? {
            Report::ExtensionWantsNext { at, .. } => extension_next = Some(at),
            Report::WantsNext(at) => runtime_next = Some(at),
            other => bail!("{} did not finish init: {other:?}", function.name),
        }
    }
    let ready = extension_next.max(runtime_next).expect("both asked");
    let listening = listening
        .await
        .context("the server printed nothing before init ended")?;
    Ok((
        vec![server, adapter],
        InitParts {
            extension: registered - spawned,
            server_start: listening.saturating_duration_since(server_spawned),
            readiness: ready.saturating_duration_since(listening),
            whole: ready - spawned,
        },
    ))
}

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
    /// With an extension: each init's parts.
    parts: Vec<InitParts>,
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
            parts: Vec::new(),
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
            init_parts: (!self.parts.is_empty()).then(|| {
                let of = |part: fn(&InitParts) -> Duration| {
                    summarize(&self.parts.iter().map(part).collect::<Vec<_>>())
                };
                InitPartsResult {
                    extension_ms: of(|p| p.extension),
                    server_start_ms: of(|p| p.server_start),
                    readiness_ms: of(|p| p.readiness),
                }
            }),
        }
    }
}

async fn next_report(api: &mut RuntimeApi) -> Result<Report> {
    tokio::time::timeout(Duration::from_secs(30), api.report())
        .await
        .context("the function did nothing for 30 s")?
        .context("the Runtime API stopped")
}
