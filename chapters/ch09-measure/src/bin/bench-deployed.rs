//! `bench-deployed`: the latency of your deployment from your machine, run by
//! `cargo xtask bench -- --deployed`. It prints what it will send and what that costs, and asks
//! before it sends anything (`--yes` to skip the question).

use std::io::{BufRead as _, Write as _};
use std::path::PathBuf;

use anyhow::bail;
use ch09_measure::deployed::{self, Options};
use ch09_measure::{cold_on_aws, cost, server_side, task_start, views};
use clap::Parser;

#[derive(Debug, Parser)]
#[command(name = "bench-deployed")]
struct Args {
    /// Where `cargo xtask deploy` recorded the stack's account and region.
    #[arg(long)]
    record: PathBuf,
    /// The stack's outputs, as `cargo xtask deploy` saved them.
    #[arg(long)]
    outputs: PathBuf,
    /// Where the figures go (results.json, latency.md).
    #[arg(long)]
    out: PathBuf,
    /// Reads per variant one after another, and as many again at once.
    #[arg(long, default_value_t = Options::default().reads)]
    reads: usize,
    /// How many reads at once in the second series.
    #[arg(long, default_value_t = Options::default().concurrency)]
    concurrency: usize,
    /// Forced cold starts of each read function (0: none).
    #[arg(long, default_value_t = Options::default().cold_starts)]
    cold_starts: usize,
    /// New deployments of the container's service, each timed to its new task's healthy target
    /// (0: none).
    #[arg(long, default_value_t = Options::default().task_starts)]
    task_starts: usize,
    /// The stack's template as the deploy synthesized it (its construct paths name the
    /// functions whose cold starts are forced).
    #[arg(long)]
    template: PathBuf,
    /// The most requests the run may send.
    #[arg(long, default_value_t = Options::default().max_requests)]
    max_requests: usize,
    /// Send without asking first.
    #[arg(long)]
    yes: bool,
}

/// A refusal or a failure is one line on standard error (with its causes), not a backtrace.
#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench-deployed: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    let options = Options {
        reads: args.reads,
        concurrency: args.concurrency,
        cold_starts: args.cold_starts,
        task_starts: args.task_starts,
        max_requests: args.max_requests,
    };
    let region = deployed::shell_region();
    let plan = deployed::plan_from_files(&args.record, &args.outputs, region.as_deref(), options)?;
    print!("{}", plan.describe());
    if !args.yes {
        print!("Send them? [y/N] ");
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            bail!("nothing sent");
        }
    }
    let start = std::time::SystemTime::now();
    let measured = deployed::measure(&plan).await?;
    let end = std::time::SystemTime::now();
    deployed::write(&plan, &measured, &args.out)?;
    print!(
        "{}",
        deployed::latency_table(&measured, plan.options.concurrency)
    );
    let observed = deployed::server_side(&plan, &args.template, start, end).await?;
    deployed::add_to_results(&args.out, "server_side", serde_json::to_value(&observed)?)?;
    let table = server_side::table(&observed);
    std::fs::write(
        args.out.join("server-side.md"),
        format!(
            "Your deployment: stack {} in {}, the same run as CloudWatch counted it.\n\n{table}",
            plan.recorded.stack, plan.recorded.region,
        ),
    )?;
    print!("{table}");
    let get_post = observed
        .iter()
        .find(|o| o.key == "get-post" && o.metric == "Duration" && o.requests > 0.0);
    if let Some(get_post) = get_post {
        let table = cost::projection_table(get_post.average_ms, cost::KEEPING_CPU_MS);
        std::fs::write(
            args.out.join("projection.md"),
            format!(
                "Your deployment: stack {} in {}, with `get-post`'s average `Duration` over the run's {:.0} reads, from CloudWatch.\n\n{table}",
                plan.recorded.stack, plan.recorded.region, get_post.requests,
            ),
        )?;
        print!("{table}");
    }
    if !plan.cold_functions().is_empty() {
        let cold = deployed::cold_starts(&plan, &args.template).await?;
        deployed::add_to_results(&args.out, "cold_starts", serde_json::to_value(&cold)?)?;
        std::fs::write(
            args.out.join("cold-starts.md"),
            format!(
                "Your deployment: stack {} in {}, forced cold starts read from CloudWatch Logs.\n\n{}",
                plan.recorded.stack,
                plan.recorded.region,
                cold_on_aws::cold_starts_table(&cold)
            ),
        )?;
        print!("{}", cold_on_aws::cold_starts_table(&cold));
    }
    if plan.options.task_starts > 0 && plan.targets.iter().any(|t| t.key == "ContainersURL") {
        let starts = deployed::task_starts(&plan, &args.template).await?;
        deployed::add_to_results(&args.out, "task_starts", serde_json::to_value(&starts)?)?;
        let table = task_start::table(&starts);
        std::fs::write(
            args.out.join("task-starts.md"),
            format!(
                "Your deployment: stack {} in {}, new tasks of the container's service.\n\n{table}",
                plan.recorded.stack, plan.recorded.region,
            ),
        )?;
        print!("{table}");
    }
    if let Some(measurements) = args.out.parent() {
        views::write(measurements)?;
    }
    println!("written to {}", args.out.display());
    Ok(())
}
