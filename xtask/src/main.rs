//! The project's own commands, run as `cargo xtask <command>` (see `.cargo/config.toml`).
//!
//! - `cargo xtask test`: every check of the project, installing what it needs on first use.
//! - `cargo xtask demo`: build the book, then run both backends, the demo page and the book.
//! - `cargo xtask package`: build what the stack deploys (four function zips, the server's image
//!   context) for arm64, into `target/package/`.
//! - `cargo xtask deploy` / `destroy`: package, then chapter 8's `deploy` binary.
//! - `cargo xtask bench`: chapter 9's measurements, written into the book.
//! - `cargo xtask exercises`: every "Break it" exercise, tried on a scratch copy.
//! - `cargo xtask setup`: the Python tools (moto) in `.venv`, for the chapters' examples.
//!
//! One module per command; `tools` installs and finds what they need, `process` runs programs.

mod bench;
mod browser;
mod contract;
mod demo;
mod exercises;
mod infra;
mod local_demo;
mod package;
mod process;
mod test;
mod tools;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(about = "The project's own commands")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Run every check: fmt, clippy, all tests (DynamoDB suites on moto, the page in Chromium),
    /// the book build.
    Test {
        /// Also copy the browser test's screenshot into the book (book/src/images/).
        #[arg(long)]
        update_screenshot: bool,
    },
    /// Build the four function zips and the server's image context for Graviton (arm64), into
    /// target/package/.
    Package,
    /// Package, then deploy the stack to your AWS account and write html/urls.js
    /// (`cargo xtask deploy -- --help` lists the options; `-- --dry-run` needs no account).
    Deploy {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        options: Vec<String>,
    },
    /// Delete the stack from your AWS account, and list what stays and what it costs.
    Destroy {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        options: Vec<String>,
    },
    /// Measure cold starts, latency, throughput, CPU per request, sizes and cost (release builds
    /// for this machine), and write the figures into the book (book/src/measurements/).
    Bench,
    /// Install the Python tools of requirements.txt into .venv (moto for the DynamoDB chapters'
    /// examples and tests): what `cargo xtask test` does first, alone.
    Setup,
    /// Try every "Break it" exercise of the book (book/exercises.json) on a scratch copy of the
    /// workspace: each change must compile and make the test it names fail.
    Exercises,
    /// Build the book, then run both backends, the demo page and the book on localhost.
    Demo {
        /// Options for the demo (ports, --store); see `cargo xtask demo -- --help`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        options: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Task::Test { update_screenshot } => test::run(update_screenshot),
        Task::Demo { options } => demo::run(&options),
        Task::Package => package::run_package().map(drop),
        Task::Bench => bench::run(),
        Task::Exercises => exercises::run(),
        Task::Setup => tools::ensure_python_tools().map(drop),
        Task::Deploy { options } => demo::deploy("deploy", &options, true),
        Task::Destroy { options } => demo::deploy("destroy", &options, false),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err:#}");
            ExitCode::FAILURE
        }
    }
}
