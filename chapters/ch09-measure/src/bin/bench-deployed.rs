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
    let aws = deployed::OnAws::connect(&plan, &args.template).await?;
    let observed = deployed::server_side(&plan, &aws, start, end).await?;
    deployed::add_to_results(&args.out, "server_side", serde_json::to_value(&observed)?)?;
    let table = server_side::table(&observed);
    write_yours(
        &args.out,
        "server-side.md",
        &plan,
        "the same run as CloudWatch counted it",
        &table,
    )?;
    print!("{table}");
    let get_post = observed
        .iter()
        .find(|o| o.key == "get-post" && o.metric == "Duration" && o.requests > 0.0);
    if let Some(get_post) = get_post {
        let table = cost::projection_table(get_post.average_ms, cost::KEEPING_CPU_MS);
        let what = format!(
            "with `get-post`'s average `Duration` over the run's {:.0} reads, from CloudWatch",
            get_post.requests
        );
        write_yours(&args.out, "projection.md", &plan, &what, &table)?;
        print!("{table}");
    }
    if !plan.cold_functions().is_empty() {
        let cold = deployed::cold_starts(&plan, &aws).await?;
        deployed::add_to_results(&args.out, "cold_starts", serde_json::to_value(&cold)?)?;
        let table = cold_on_aws::cold_starts_table(&cold);
        let what = "forced cold starts read from CloudWatch Logs";
        write_yours(&args.out, "cold-starts.md", &plan, what, &table)?;
        print!("{table}");
    }
    if plan.options.task_starts > 0 && plan.targets.iter().any(|t| t.key == "ContainersURL") {
        let starts = deployed::task_starts(&plan, &aws).await?;
        deployed::add_to_results(&args.out, "task_starts", serde_json::to_value(&starts)?)?;
        let table = task_start::table(&starts);
        let what = "new tasks of the container's service";
        write_yours(&args.out, "task-starts.md", &plan, what, &table)?;
        print!("{table}");
    }
    if let Some(measurements) = args.out.parent() {
        views::write(measurements)?;
    }
    println!("written to {}", args.out.display());
    Ok(())
}

/// Writes one of your tables into `out`, under a line that says whose deployment it is and what.
fn write_yours(
    out: &std::path::Path,
    file: &str,
    plan: &deployed::Plan,
    what: &str,
    table: &str,
) -> anyhow::Result<()> {
    let heading = format!(
        "Your deployment: stack {} in {}, {what}.",
        plan.recorded.stack, plan.recorded.region
    );
    std::fs::write(out.join(file), format!("{heading}\n\n{table}"))?;
    Ok(())
}
