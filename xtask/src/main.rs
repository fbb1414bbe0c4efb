//! The project's own commands, run as `cargo xtask <command>` (see `.cargo/config.toml`).
//!
//! - `cargo xtask check`: fmt, clippy and the tests that need nothing built for arm64 (the inner
//!   loop); `cargo xtask test --fast` adds the contract, the CDK app's checks and the book;
//!   `cargo xtask test` is every check of the project, as CI runs it. Each installs what it needs
//!   on first use.
//! - `cargo xtask demo`: build the book, then run both backends, the demo page and the book.
//! - `cargo xtask package`: build what the stack deploys (the function zips, the Lambda Web
//!   Adapter's layer, the server's image context) for arm64, into `target/package/`.
//! - `cargo xtask deploy` / `destroy`: package, then chapter 8's `deploy` binary.
//! - `cargo xtask bench`: chapter 9's measurements, written into the book.
//! - `cargo xtask exercises`: every "Break it" exercise, tried on a scratch copy.
//! - `cargo xtask setup`: the Python tools (moto) in `.venv`, for the chapters' examples.
//! - `cargo xtask doctor`: what this machine has of what each goal needs (read, run the
//!   chapters, test, deploy, measure) and what to do about the rest; `--write` copies the table
//!   into the book (`book/src/setting-up/doctor.txt`).
//!
//! One module per command; `tools` installs and finds what they need, `process` runs programs.

mod bench;
mod browser;
mod contract;
mod counts;
mod demo;
mod doctor;
mod exercises;
mod infra;
mod local_demo;
mod moto;
mod package;
mod process;
mod runner;
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
    /// The inner loop: fmt, clippy, and every test that needs no arm64 package, no template, no
    /// image and no browser (DynamoDB suites on one shared moto).
    Check,
    /// Run every check, as CI does: `check`, then the arm64 package, the stack's template and its
    /// checkers, the end-to-end tests, the contract, the book and the page in Chromium.
    Test {
        /// `check`, then only the contract on the debug build, the CDK app's type check and jest
        /// on a fake package, and the book: no arm64 build, no image, no browser.
        #[arg(long, conflicts_with = "update_screenshot")]
        fast: bool,
        /// Also copy the browser test's screenshot into the book (book/src/images/).
        #[arg(long)]
        update_screenshot: bool,
    },
    /// Build the function zips, the Lambda Web Adapter's layer and the server's image context for
    /// Graviton (arm64), into target/package/.
    Package {
        /// The quick build `cargo xtask test` checks (profile package-check), not one to deploy.
        #[arg(long)]
        check: bool,
    },
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
    /// `-- --deployed`: the latency of your deployed stack from your machine instead
    /// (`-- --deployed --help` lists its options).
    Bench {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        options: Vec<String>,
    },
    /// Install the Python tools of requirements.txt into .venv (moto for the DynamoDB chapters'
    /// examples and tests): what `cargo xtask test` does first, alone.
    Setup,
    /// Check this machine for what each goal needs (read the book, run the chapters, run every
    /// test, deploy, measure): one row per tool, with what to do when it is missing. Fails only
    /// when the chapters cannot run.
    Doctor {
        /// Also write the table into the book (book/src/setting-up/doctor.txt).
        #[arg(long)]
        write: bool,
    },
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
        Task::Check => test::run(test::Tier::Check, false),
        Task::Test {
            fast,
            update_screenshot,
        } => test::run(
            if fast {
                test::Tier::Fast
            } else {
                test::Tier::Full
            },
            update_screenshot,
        ),
        Task::Demo { options } => demo::run(&options),
        Task::Package { check } => package::run_package(if check {
            package::Build::Check
        } else {
            package::Build::Shipping
        })
        .map(drop),
        Task::Bench { options } => bench::run(&options),
        Task::Exercises => exercises::run(),
        Task::Setup => tools::ensure_python_tools().map(drop),
        Task::Doctor { write } => doctor::run(write),
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
