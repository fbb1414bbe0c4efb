//! `cargo xtask doctor`: what this machine has of what each way of using the book needs (read
//! it, run the chapters, run every test, deploy, measure), one row per tool, and what to do about
//! each missing one. It installs nothing and calls no AWS service: it runs each program with
//! `--version` and looks at files and environment variables, never at a secret's value.
//!
//! Only the chapters' own needs are a failure (exit status 1): the Rust toolchain and Python with
//! venv and pip. What the other commands install on their first run (mdbook, the Python tools,
//! the npm packages, the arm64 target, and Debian's programs when run as root on Debian) is said
//! to be installed on first run; the rest is a row to act on before that goal.
//! `--write` also writes the table into the book (`book/src/setting-up/doctor.txt`).

use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

use crate::process::root;
use crate::tools::{MDBOOK_VERSION, PACKAGING, TESTING};

/// Where `--write` puts the table: the page "Setting up" includes it.
const BOOK_COPY: &str = "book/src/setting-up/doctor.txt";

/// Python: moto and cfn-lint want 3.10 or newer, schemathesis 3.11; cfn-lint refuses 3.15
/// (`Requires-Python` of the releases `requirements.txt` pins). `cargo xtask setup` installs all
/// of them, so the chapters' examples need the narrowest range.
const PYTHON_OLDEST: &str = "3.11";
const PYTHON_NEWEST: &str = "3.14";

/// The CDK's own minimum (`engines` in `infra-cdk/package.json`) and the tests'.
const NODE_OLDEST: &str = "20";

/// The goals of the book's introduction, in the order a reader meets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Goal {
    Read,
    Run,
    Test,
    Deploy,
    Measure,
}

const GOALS: [Goal; 5] = [
    Goal::Read,
    Goal::Run,
    Goal::Test,
    Goal::Deploy,
    Goal::Measure,
];

impl Goal {
    fn name(self) -> &'static str {
        match self {
            Goal::Read => "read",
            Goal::Run => "run",
            Goal::Test => "test",
            Goal::Deploy => "deploy",
            Goal::Measure => "measure",
        }
    }

    fn command(self) -> &'static str {
        match self {
            Goal::Read => "cargo xtask demo",
            Goal::Run => "cargo xtask setup",
            Goal::Test => "cargo xtask test",
            Goal::Deploy => "cargo xtask deploy",
            Goal::Measure => "cargo xtask bench",
        }
    }
}

/// A version number as programs print it: its parts, major first. `1.94` and `1.94.0` are equal.
#[derive(Debug, Clone)]
pub struct Version(Vec<u64>);

impl Version {
    /// A version written as numbers and dots (`1.94`, `3.11.2`), with an optional leading `v`.
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.strip_prefix('v').unwrap_or(text);
        let parts = text
            .split('.')
            .map(|part| part.parse::<u64>().ok())
            .collect::<Option<Vec<u64>>>()?;
        Some(Version(parts))
    }

    /// The first version number in what a program printed for `--version`: the first word
    /// (words split at spaces, `/` and `,`) that starts with a digit, or with `v` and a digit,
    /// cut where its numbers and dots end (`1.9.0-stable` is 1.9.0).
    pub fn find_in(output: &str) -> Option<Version> {
        output
            .split(|c: char| c.is_whitespace() || c == '/' || c == ',')
            .find_map(|word| {
                let digits = word.strip_prefix('v').unwrap_or(word);
                if !digits.starts_with(|c: char| c.is_ascii_digit()) {
                    return None;
                }
                let end = digits
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .unwrap_or(digits.len());
                Version::parse(digits[..end].trim_end_matches('.'))
            })
    }

    /// The first `parts` parts: 3.14.2 cut to two is 3.14.
    fn cut(&self, parts: usize) -> Version {
        Version(self.0.iter().copied().take(parts).collect())
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let parts = self.0.len().max(other.0.len());
        let part = |version: &Version, n: usize| version.0.get(n).copied().unwrap_or(0);
        (0..parts)
            .map(|n| part(self, n).cmp(&part(other, n)))
            .find(|order| order.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Version {}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u64::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

/// What a goal wants of a tool.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Wanted {
    /// Any version: the tool only has to be there.
    Any,
    /// This version or a newer one.
    AtLeast(Version),
    /// From the first to the second, which counts as many parts as it has (3.11 to 3.14 takes
    /// 3.14.9, not 3.15).
    Between(Version, Version),
    /// Exactly this release: the commands install it over any other.
    Pinned(Version),
    /// Not a program: what is wanted, in words.
    Described(&'static str),
}

impl Wanted {
    fn accepts(&self, found: &Version) -> bool {
        match self {
            Wanted::Any | Wanted::Described(_) => true,
            Wanted::AtLeast(oldest) => found >= oldest,
            Wanted::Between(oldest, newest) => {
                found >= oldest && found.cut(newest.0.len()) <= *newest
            }
            Wanted::Pinned(release) => found == release,
        }
    }
}

impl fmt::Display for Wanted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Wanted::Any => f.write_str("any"),
            Wanted::AtLeast(oldest) => write!(f, "{oldest}+"),
            Wanted::Between(oldest, newest) => write!(f, "{oldest} to {newest}"),
            Wanted::Pinned(release) => write!(f, "{release}"),
            Wanted::Described(what) => f.write_str(what),
        }
    }
}

/// What the machine has.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Found {
    Version(Version),
    /// There, in words (a program that printed no version; where a setting comes from).
    There(String),
    /// There, but not the way the commands need it (a program outside `/usr/bin`).
    Unusable(String),
    Missing,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Version(version) => write!(f, "{version}"),
            Found::There(what) | Found::Unusable(what) => f.write_str(what),
            Found::Missing => f.write_str("missing"),
        }
    }
}

/// A row's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Ready,
    /// Missing or another release, and the goal's command installs it on its first run.
    FirstRun,
    /// Missing, too old or too new: the reader acts.
    Missing,
}

/// One tool, what it is for, and what this machine has.
#[derive(Debug)]
struct Row {
    tool: String,
    goals: Vec<Goal>,
    wanted: Wanted,
    found: Found,
    /// Whether the goals' commands install it themselves when it is missing.
    first_run: bool,
    /// What to do when it is missing or the wrong version (what the goals' commands do
    /// themselves when `first_run`).
    to_do: String,
}

impl Row {
    fn status(&self) -> Status {
        let ready = match &self.found {
            Found::Version(version) => self.wanted.accepts(version),
            Found::There(_) => true,
            Found::Unusable(_) | Found::Missing => false,
        };
        match (ready, self.first_run) {
            (true, _) => Status::Ready,
            (false, true) => Status::FirstRun,
            (false, false) => Status::Missing,
        }
    }

    fn needed_for(&self) -> String {
        if GOALS.iter().all(|goal| self.goals.contains(goal)) {
            return "all".to_owned();
        }
        let names: Vec<&str> = self.goals.iter().map(|goal| goal.name()).collect();
        names.join(", ")
    }

    fn advice(&self) -> String {
        match self.status() {
            Status::Ready => "-".to_owned(),
            Status::FirstRun => "installed on first run".to_owned(),
            Status::Missing => self.to_do.clone(),
        }
    }
}

/// The machine the checks look at: its system, its user, and its environment.
#[derive(Debug)]
struct Machine {
    debian: bool,
    root: bool,
    home: Option<PathBuf>,
    env: fn(&str) -> Option<String>,
}

impl Machine {
    fn this_one() -> Self {
        Machine {
            debian: Path::new("/etc/debian_version").exists(),
            root: Command::new("id")
                .arg("-u")
                .output()
                .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0"),
            home: std::env::var_os("HOME").map(PathBuf::from),
            env: |name| std::env::var(name).ok().filter(|value| !value.is_empty()),
        }
    }

    /// `command` on Debian or Ubuntu; elsewhere, the page that says what to do.
    fn apt(&self, command: &str) -> String {
        if self.debian {
            command.to_owned()
        } else {
            "see Setting up".to_owned()
        }
    }
}

/// Runs `program` with `args` and reads the version in what it printed; `Missing` when it does
/// not run, or fails (unless `failing_is_fine`: `wrk --version` exits with 1).
fn version_of(program: impl AsRef<std::ffi::OsStr>, args: &[&str], failing_is_fine: bool) -> Found {
    let Ok(output) = Command::new(program).args(args).output() else {
        return Found::Missing;
    };
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if !output.status.success() && !failing_is_fine {
        return Found::Missing;
    }
    Version::find_in(&text).map_or_else(|| Found::There("found".to_owned()), Found::Version)
}

/// The release a requirements file pins for `package` (`moto[dynamodb,server]==5.2.5`).
fn pinned_in_requirements(requirements: &str, package: &str) -> Option<Version> {
    requirements.lines().find_map(|line| {
        let (name, version) = line.split_once("==")?;
        let name = name.split('[').next()?.trim();
        (name == package).then(|| Version::parse(version.trim()))?
    })
}

/// Where the AWS SDKs find credentials, by the names of the sources that are there: the standard
/// variables, `AWS_PROFILE`, and the shared files. Never a value.
fn aws_credentials(machine: &Machine) -> Found {
    let env = machine.env;
    let mut sources = Vec::new();
    if env("AWS_ACCESS_KEY_ID").is_some() && env("AWS_SECRET_ACCESS_KEY").is_some() {
        sources.push("AWS_ACCESS_KEY_ID".to_owned());
    }
    if env("AWS_PROFILE").is_some() {
        sources.push("AWS_PROFILE".to_owned());
    }
    for (variable, default) in [
        ("AWS_CONFIG_FILE", ".aws/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials"),
    ] {
        if let Some((name, path)) = aws_file(machine, variable, default)
            && path.is_file()
        {
            sources.push(name);
        }
    }
    if sources.is_empty() {
        Found::Missing
    } else {
        Found::There(sources.join(", "))
    }
}

/// A shared AWS file: the one its variable names, else `~/<default>`; with the name to show.
fn aws_file(machine: &Machine, variable: &str, default: &str) -> Option<(String, PathBuf)> {
    match (machine.env)(variable) {
        Some(path) => Some((variable.to_owned(), PathBuf::from(path))),
        None => Some((format!("~/{default}"), machine.home.as_ref()?.join(default))),
    }
}

/// Where a region comes from: `AWS_REGION`, `AWS_DEFAULT_REGION`, or a `region` line in the
/// shared config file.
fn aws_region(machine: &Machine) -> Found {
    for variable in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
        if (machine.env)(variable).is_some() {
            return Found::There(variable.to_owned());
        }
    }
    let Some((name, path)) = aws_file(machine, "AWS_CONFIG_FILE", ".aws/config") else {
        return Found::Missing;
    };
    let config = std::fs::read_to_string(path).unwrap_or_default();
    if config_has_region(&config) {
        Found::There(format!("region in {name}"))
    } else {
        Found::Missing
    }
}

fn config_has_region(config: &str) -> bool {
    config.lines().any(|line| {
        line.split_once('=')
            .is_some_and(|(key, value)| key.trim() == "region" && !value.trim().is_empty())
    })
}

/// What chapter 9's harness writes a CPU share to: cgroup v1's `cpu`, or v2 with `cpu` enabled.
fn cpu_controller(machine: &Machine) -> Found {
    let kind = if Path::new("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").exists() {
        "cgroup v1"
    } else if std::fs::read_to_string("/sys/fs/cgroup/cgroup.controllers")
        .unwrap_or_default()
        .split_whitespace()
        .any(|name| name == "cpu")
    {
        "cgroup v2"
    } else {
        return Found::Missing;
    };
    if machine.root {
        Found::There(format!("{kind}, as root"))
    } else {
        Found::Unusable(format!("{kind}, not root"))
    }
}

/// Every row, probed.
fn rows(machine: &Machine) -> Vec<Row> {
    use Goal::{Deploy, Measure, Read, Run, Test};
    let rust_version = Version::parse(env!("CARGO_PKG_RUST_VERSION"))
        .expect("the workspace's rust-version is a version");
    let rustup_install =
        "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh".to_owned();
    let venv = root().join(TESTING.venv).join("bin");
    let requirements = std::fs::read_to_string(root().join(TESTING.requirements))
        .unwrap_or_default()
        + &std::fs::read_to_string(root().join(PACKAGING.requirements)).unwrap_or_default();
    let pinned = |package: &str| {
        pinned_in_requirements(&requirements, package).map_or(Wanted::Any, Wanted::Pinned)
    };
    let cdk_release = std::fs::read_to_string(root().join("infra-cdk/package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|package| {
            ["devDependencies", "dependencies"]
                .iter()
                .find_map(|list| package[list]["aws-cdk"].as_str().and_then(Version::parse))
        })
        .map_or(Wanted::Any, Wanted::Pinned);

    let mut rows = vec![
        Row {
            tool: "rustc".into(),
            goals: GOALS.to_vec(),
            wanted: Wanted::AtLeast(rust_version.clone()),
            found: version_of("rustc", &["--version"], false),
            first_run: false,
            to_do: "rustup update, or install rustup: ".to_owned() + &rustup_install,
        },
        Row {
            tool: "cargo".into(),
            goals: GOALS.to_vec(),
            wanted: Wanted::AtLeast(rust_version),
            found: version_of("cargo", &["--version"], false),
            first_run: false,
            to_do: "rustup update".into(),
        },
        Row {
            tool: "rustup".into(),
            goals: vec![Test, Deploy, Measure],
            wanted: Wanted::Any,
            found: version_of("rustup", &["--version"], false),
            first_run: false,
            to_do: rustup_install,
        },
        Row {
            tool: "clippy".into(),
            goals: vec![Test],
            wanted: Wanted::Any,
            found: version_of("cargo", &["clippy", "--version"], false),
            first_run: false,
            to_do: "rustup component add clippy".into(),
        },
        Row {
            tool: "rustfmt".into(),
            goals: vec![Test],
            wanted: Wanted::Any,
            found: version_of("rustfmt", &["--version"], false),
            first_run: false,
            to_do: "rustup component add rustfmt".into(),
        },
        Row {
            tool: crate::package::TARGET.into(),
            goals: vec![Test, Deploy, Measure],
            wanted: Wanted::Described("added"),
            found: rust_target(crate::package::TARGET),
            first_run: true,
            to_do: format!("rustup target add {}", crate::package::TARGET),
        },
        Row {
            tool: "mdbook".into(),
            goals: vec![Read, Test],
            wanted: Wanted::Pinned(Version::parse(MDBOOK_VERSION).expect("a version")),
            found: mdbook(),
            first_run: true,
            to_do: "cargo install mdbook --locked".into(),
        },
        Row {
            tool: "python3".into(),
            goals: vec![Run, Test, Deploy, Measure],
            wanted: Wanted::Between(
                Version::parse(PYTHON_OLDEST).expect("a version"),
                Version::parse(PYTHON_NEWEST).expect("a version"),
            ),
            found: version_of("python3", &["--version"], false),
            first_run: false,
            to_do: machine.apt("sudo apt-get install python3 python3-venv"),
        },
        Row {
            // The pip a new venv gets: Debian and Ubuntu ship it apart, in python3-venv.
            tool: "python3 venv (pip)".into(),
            goals: vec![Run, Test, Deploy, Measure],
            wanted: Wanted::Any,
            found: version_of("python3", &["-m", "ensurepip", "--version"], false),
            first_run: false,
            to_do: machine.apt("sudo apt-get install python3-venv"),
        },
        Row {
            tool: "moto (.venv)".into(),
            goals: vec![Run, Test, Measure],
            wanted: pinned("moto"),
            found: python_package(&venv, "moto"),
            first_run: true,
            to_do: "cargo xtask setup".into(),
        },
        Row {
            tool: "cargo-zigbuild (.venv)".into(),
            goals: vec![Test, Deploy, Measure],
            wanted: pinned("cargo-zigbuild"),
            found: version_of(venv.join("cargo-zigbuild"), &["--version"], false),
            first_run: true,
            to_do: "cargo xtask package".into(),
        },
        Row {
            tool: "node".into(),
            goals: vec![Test, Deploy],
            wanted: Wanted::AtLeast(Version::parse(NODE_OLDEST).expect("a version")),
            found: version_of("node", &["--version"], false),
            first_run: false,
            to_do: machine
                .apt("sudo apt-get install nodejs npm (20+ from Debian 13; else see Setting up)"),
        },
        Row {
            tool: "npm".into(),
            goals: vec![Test, Deploy],
            wanted: Wanted::Any,
            found: version_of("npm", &["--version"], false),
            first_run: false,
            to_do: machine.apt("sudo apt-get install npm"),
        },
        Row {
            tool: "cdk (infra-cdk)".into(),
            goals: vec![Test, Deploy],
            wanted: cdk_release,
            found: cdk(),
            first_run: true,
            to_do: "npm ci".into(),
        },
    ];
    for (path, package) in crate::tools::DEBIAN_PROGRAMS {
        rows.push(debian_program(machine, path, package));
    }
    rows.extend([
        Row {
            tool: "CPU controller".into(),
            goals: vec![Test, Measure],
            wanted: Wanted::Described("writable"),
            found: cpu_controller(machine),
            first_run: false,
            to_do: "Linux, as root (or a delegated cgroup): see Setting up".into(),
        },
        container_builder(machine),
        Row {
            tool: "AWS credentials".into(),
            goals: vec![Deploy],
            wanted: Wanted::Described("env or profile"),
            found: aws_credentials(machine),
            first_run: false,
            to_do: "aws configure sso, then export AWS_PROFILE=<name>".into(),
        },
        Row {
            tool: "AWS region".into(),
            goals: vec![Deploy],
            wanted: Wanted::Described("env or profile"),
            found: aws_region(machine),
            first_run: false,
            to_do: "export AWS_REGION=us-east-1 (or region in your profile)".into(),
        },
    ]);
    rows
}

/// A program the tests and the benchmark look for in `/usr/bin` (`tools::DEBIAN_PROGRAMS`),
/// which they install themselves on Debian as root.
fn debian_program(machine: &Machine, path: &str, package: &str) -> Row {
    let name = Path::new(path)
        .file_name()
        .map_or(path.to_owned(), |name| name.to_string_lossy().into_owned());
    let wrk = name == "wrk";
    let mut found = version_of(path, &["--version"], wrk);
    if found == Found::Missing && version_of(&name, &["--version"], wrk) != Found::Missing {
        found = Found::Unusable(format!("not at {path}"));
    }
    Row {
        tool: name,
        goals: vec![Goal::Test, Goal::Measure],
        wanted: Wanted::Any,
        found,
        first_run: machine.debian && machine.root,
        to_do: if machine.debian && machine.root {
            format!("apt-get install {package}")
        } else {
            machine.apt(&format!("sudo apt-get install {package}"))
        },
    }
}

/// Docker, or the program `CDK_DOCKER` names: what the CDK builds the server's image with.
fn container_builder(machine: &Machine) -> Row {
    let (tool, found) = match (machine.env)("CDK_DOCKER") {
        Some(program) => (
            "CDK_DOCKER".to_owned(),
            version_of(&program, &["--version"], false),
        ),
        None => (
            "docker".to_owned(),
            version_of("docker", &["--version"], false),
        ),
    };
    Row {
        tool,
        goals: vec![Goal::Deploy],
        wanted: Wanted::Any,
        found,
        first_run: false,
        to_do: machine.apt("sudo apt-get install docker.io (or --container-image <uri>)"),
    }
}

/// `rustup target list --installed` names the target.
fn rust_target(target: &str) -> Found {
    match Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
    {
        Ok(output)
            if String::from_utf8_lossy(&output.stdout)
                .lines()
                .any(|line| line.trim() == target) =>
        {
            Found::There("added".into())
        }
        _ => Found::Missing,
    }
}

/// mdbook from `PATH`, else from cargo's bin folder (where the commands install it).
fn mdbook() -> Found {
    let found = version_of("mdbook", &["--version"], false);
    if found != Found::Missing {
        return found;
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    match cargo_home {
        Some(home) => version_of(home.join("bin/mdbook"), &["--version"], false),
        None => Found::Missing,
    }
}

/// A package's version in the project's venv, as its Python reads it.
fn python_package(venv_bin: &Path, package: &str) -> Found {
    let script = format!("import importlib.metadata as m; print(m.version('{package}'))");
    version_of(venv_bin.join("python3"), &["-c", &script], false)
}

/// The CDK CLI `npm ci` installs into `infra-cdk/node_modules`.
fn cdk() -> Found {
    let cli = root().join("infra-cdk/node_modules/.bin/cdk");
    if !cli.exists() {
        return Found::Missing;
    }
    let mut command = Command::new(cli);
    command
        .arg("--version")
        .env("CDK_DISABLE_VERSION_CHECK", "1");
    match command.output() {
        Ok(output) if output.status.success() => {
            Version::find_in(&String::from_utf8_lossy(&output.stdout))
                .map_or_else(|| Found::There("found".into()), Found::Version)
        }
        _ => Found::Missing,
    }
}

/// The table, and a line per goal: ready, ready once the first run installs something, or what
/// is missing.
fn report(rows: &[Row], system: &str) -> String {
    let headers = ["tool", "needed for", "wanted", "found", "to do"];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|row| {
            [
                row.tool.clone(),
                row.needed_for(),
                row.wanted.to_string(),
                row.found.to_string(),
                row.advice(),
            ]
        })
        .collect();
    let mut widths = headers.map(str::len);
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "cargo xtask doctor on {system}");
    let _ = writeln!(out);
    let line = |out: &mut String, cells: [&str; 5]| {
        let mut text = String::new();
        for (n, cell) in cells.iter().enumerate() {
            if n + 1 < cells.len() {
                let _ = write!(text, "{cell:<width$}  ", width = widths[n]);
            } else {
                text.push_str(cell);
            }
        }
        let _ = writeln!(out, "{}", text.trim_end());
    };
    line(&mut out, headers);
    for row in &cells {
        line(&mut out, [&row[0], &row[1], &row[2], &row[3], &row[4]]);
    }
    let _ = writeln!(out);
    let name_width = GOALS
        .iter()
        .map(|goal| goal.name().len())
        .max()
        .unwrap_or(0);
    let command_width = GOALS
        .iter()
        .map(|goal| goal.command().len())
        .max()
        .unwrap_or(0);
    for goal in GOALS {
        let _ = writeln!(
            out,
            "{:<name_width$}  {:<command_width$}  {}",
            goal.name(),
            goal.command(),
            verdict(rows, goal)
        );
    }
    out
}

/// One goal's verdict.
fn verdict(rows: &[Row], goal: Goal) -> String {
    let names = |status: Status| -> Vec<&str> {
        rows.iter()
            .filter(|row| row.goals.contains(&goal) && row.status() == status)
            .map(|row| row.tool.as_str())
            .collect()
    };
    let missing = names(Status::Missing);
    let first_run = names(Status::FirstRun);
    match (missing.is_empty(), first_run.is_empty()) {
        (true, true) => "ready".to_owned(),
        (true, false) => format!("ready; its first run installs {}", first_run.join(", ")),
        (false, _) => format!("missing {}", missing.join(", ")),
    }
}

/// The system's name, for the report's first line.
fn system() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|release| {
            release.lines().find_map(|line| {
                line.strip_prefix("PRETTY_NAME=")
                    .map(|name| name.trim_matches('"').to_owned())
            })
        });
    pretty.unwrap_or_else(|| std::env::consts::OS.to_owned())
}

pub fn run(write: bool) -> Result<()> {
    let machine = Machine::this_one();
    let rows = rows(&machine);
    let text = report(&rows, &system());
    print!("{text}");
    if write {
        let path = root().join(BOOK_COPY);
        std::fs::create_dir_all(path.parent().expect("a folder"))
            .with_context(|| format!("cannot create the folder of {}", path.display()))?;
        std::fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
        println!("\nwrote {BOOK_COPY}");
    }
    let missing: Vec<&str> = rows
        .iter()
        .filter(|row| row.goals.contains(&Goal::Run) && row.status() == Status::Missing)
        .map(|row| row.tool.as_str())
        .collect();
    if !missing.is_empty() {
        bail!(
            "the chapters cannot run without {}: see the table above, or the book's page Setting up",
            missing.join(", ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(output: &str) -> Version {
        Version::find_in(output).unwrap_or_else(|| panic!("no version in {output:?}"))
    }

    fn version(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn the_version_is_the_first_number_a_program_prints() {
        let cases = [
            ("Python 3.11.2", "3.11.2"),
            ("v20.11.1", "20.11.1"),
            ("rustc 1.86.0 (05f9846f8 2025-03-31)", "1.86.0"),
            ("cargo 1.95.0 (f2d3ce0bd 2026-03-21)", "1.95.0"),
            ("mdbook v0.5.4", "0.5.4"),
            ("rustfmt 1.9.0-stable (59807616e1 2026-04-14)", "1.9.0"),
            ("Docker version 28.2.2, build e6534b4", "28.2.2"),
            (
                "qemu-aarch64 version 7.2.13 (Debian 1:7.2+dfsg-7+deb12u7)",
                "7.2.13",
            ),
            ("wrk 4.2.0 [epoll] Copyright (C) 2012 Will Glozer", "4.2.0"),
            ("aws-cli/2.15.30 Python/3.11.8 Linux/6.1", "2.15.30"),
            (
                "Chromium 120.0.6099.224 built on Debian 12.4",
                "120.0.6099.224",
            ),
            (
                "pip 23.0.1 from /usr/lib/python3/dist-packages/pip (python 3.11)",
                "23.0.1",
            ),
            ("11.19.1\n", "11.19.1"),
            ("Python 3.12.0\r\n", "3.12.0"),
        ];
        for (output, expected) in cases {
            assert_eq!(found(output).to_string(), expected, "in {output:?}");
        }
    }

    #[test]
    fn output_without_a_version_has_none() {
        assert_eq!(Version::find_in("command not found"), None);
        assert_eq!(
            Version::find_in("/usr/bin/python3: No module named ensurepip"),
            None
        );
        assert_eq!(Version::find_in(""), None);
    }

    #[test]
    fn versions_compare_part_by_part_and_missing_parts_are_zero() {
        assert!(found("Python 3.11.2") >= version("3.9"));
        assert!(found("Python 3.9.18") < version("3.11"));
        assert!(found("v20.11.1") >= version("20"));
        assert!(found("v18.19.0") < version("20"));
        assert!(found("rustc 1.86.0 (05f9846f8 2025-03-31)") < version("1.94"));
        assert!(found("rustc 1.94.0 (4a4ef493e 2026-03-02)") >= version("1.94"));
        assert_eq!(version("1.94"), version("1.94.0"));
        // 1.100 is a hundred, not one tenth.
        assert!(version("1.100") > version("1.94"));
    }

    #[test]
    fn a_range_takes_every_patch_release_of_its_last_minor() {
        let python = Wanted::Between(version(PYTHON_OLDEST), version(PYTHON_NEWEST));
        assert!(python.accepts(&found("Python 3.11.2")));
        assert!(python.accepts(&found("Python 3.14.9")));
        assert!(!python.accepts(&found("Python 3.10.12")));
        assert!(!python.accepts(&found("Python 3.15.0")));
        assert_eq!(python.to_string(), "3.11 to 3.14");
    }

    #[test]
    fn a_pinned_release_takes_only_itself() {
        let mdbook = Wanted::Pinned(version(MDBOOK_VERSION));
        assert!(mdbook.accepts(&found("mdbook v0.5.4")));
        assert!(!mdbook.accepts(&found("mdbook v0.4.52")));
        assert!(!mdbook.accepts(&found("mdbook v0.5.5")));
    }

    #[test]
    fn the_pinned_releases_are_read_from_the_requirements() {
        let requirements = "# a comment\n-r requirements-package.txt\nmoto[dynamodb,server]==5.2.5\n\
                            cargo-zigbuild==0.24.1\nschemathesis==4.32.5\n";
        assert_eq!(
            pinned_in_requirements(requirements, "moto"),
            Some(version("5.2.5"))
        );
        assert_eq!(
            pinned_in_requirements(requirements, "cargo-zigbuild"),
            Some(version("0.24.1"))
        );
        assert_eq!(pinned_in_requirements(requirements, "checkov"), None);
        // The workspace's own files pin both.
        let own = std::fs::read_to_string(root().join("requirements.txt")).unwrap()
            + &std::fs::read_to_string(root().join("requirements-package.txt")).unwrap();
        assert!(pinned_in_requirements(&own, "moto").is_some());
        assert!(pinned_in_requirements(&own, "cargo-zigbuild").is_some());
    }

    #[test]
    fn the_workspaces_rust_version_is_a_version() {
        assert!(Version::parse(env!("CARGO_PKG_RUST_VERSION")).is_some());
    }

    fn machine_with(env: fn(&str) -> Option<String>, home: Option<PathBuf>) -> Machine {
        Machine {
            debian: true,
            root: false,
            home,
            env,
        }
    }

    #[test]
    fn aws_sources_are_named_never_shown() {
        let machine = machine_with(
            |name| match name {
                "AWS_ACCESS_KEY_ID" => Some("AKIAEXAMPLEKEY".into()),
                "AWS_SECRET_ACCESS_KEY" => Some("wJalrXUtnFEMI/EXAMPLE".into()),
                "AWS_PROFILE" => Some("blog-admin".into()),
                "AWS_REGION" => Some("eu-west-1".into()),
                _ => None,
            },
            None,
        );
        let credentials = aws_credentials(&machine).to_string();
        assert_eq!(credentials, "AWS_ACCESS_KEY_ID, AWS_PROFILE");
        let region = aws_region(&machine).to_string();
        assert_eq!(region, "AWS_REGION");
        for secret in ["AKIAEXAMPLEKEY", "wJalrXUtnFEMI", "blog-admin", "eu-west-1"] {
            assert!(!credentials.contains(secret) && !region.contains(secret));
        }
    }

    #[test]
    fn a_profile_file_counts_and_its_region_line_is_a_region() {
        let home = std::env::temp_dir().join(format!("xtask-doctor-{}", std::process::id()));
        std::fs::create_dir_all(home.join(".aws")).unwrap();
        std::fs::write(
            home.join(".aws/config"),
            "[profile blog]\nsso_session = mine\nregion = us-east-1\n",
        )
        .unwrap();
        let machine = machine_with(|_| None, Some(home.clone()));
        assert_eq!(aws_credentials(&machine).to_string(), "~/.aws/config");
        assert_eq!(aws_region(&machine).to_string(), "region in ~/.aws/config");
        let nothing = machine_with(|_| None, Some(home.join("elsewhere")));
        assert_eq!(aws_credentials(&nothing), Found::Missing);
        assert_eq!(aws_region(&nothing), Found::Missing);
        std::fs::remove_dir_all(&home).unwrap();
        assert!(!config_has_region("[default]\nregion =\n"));
    }

    fn row(goals: Vec<Goal>, found: Found, first_run: bool) -> Row {
        Row {
            tool: "tool".into(),
            goals,
            wanted: Wanted::AtLeast(version("20")),
            found,
            first_run,
            to_do: "install it".into(),
        }
    }

    #[test]
    fn a_row_is_ready_installed_on_first_run_or_missing() {
        let old = Found::Version(version("18.19.0"));
        assert_eq!(
            row(vec![Goal::Test], Found::Version(version("20.1")), false).status(),
            Status::Ready
        );
        assert_eq!(
            row(vec![Goal::Test], old.clone(), false).status(),
            Status::Missing
        );
        assert_eq!(row(vec![Goal::Test], old, true).status(), Status::FirstRun);
        let outside = Found::Unusable("not at /usr/bin/wrk".into());
        assert_eq!(
            row(vec![Goal::Test], outside, false).status(),
            Status::Missing
        );
        assert_eq!(
            row(vec![Goal::Test], Found::Missing, true).advice(),
            "installed on first run"
        );
    }

    #[test]
    fn each_goal_says_what_it_lacks() {
        let rows = vec![
            row(
                vec![Goal::Run, Goal::Test],
                Found::Version(version("20")),
                false,
            ),
            row(vec![Goal::Test], Found::Missing, true),
            row(vec![Goal::Deploy], Found::Missing, false),
        ];
        assert_eq!(verdict(&rows, Goal::Run), "ready");
        assert_eq!(
            verdict(&rows, Goal::Test),
            "ready; its first run installs tool"
        );
        assert_eq!(verdict(&rows, Goal::Deploy), "missing tool");
        let text = report(&rows, "a system");
        assert!(text.starts_with("cargo xtask doctor on a system\n"));
        assert!(
            text.contains("tool  run, test   20+     20       -"),
            "{text}"
        );
        assert!(!text.contains('\x1b'), "no colours");
        assert!(text.lines().all(|line| line == line.trim_end()));
    }
}
