//! `bench-deployed`: the latency of your deployment from your machine, run by
//! `cargo xtask bench -- --deployed`. It prints what it will send and what that costs, and asks
//! before it sends anything (`--yes` to skip the question).

use std::io::{BufRead as _, Write as _};
use std::path::PathBuf;

use anyhow::bail;
use ch09_measure::deployed::{self, Options};
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
    /// The most requests the run may send.
    #[arg(long, default_value_t = Options::default().max_requests)]
    max_requests: usize,
    /// Send without asking first.
    #[arg(long)]
    yes: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let options = Options {
        reads: args.reads,
        concurrency: args.concurrency,
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
    let measured = deployed::measure(&plan).await?;
    deployed::write(&plan, &measured, &args.out)?;
    print!(
        "{}",
        deployed::latency_table(&measured, plan.options.concurrency)
    );
    println!("written to {}", args.out.display());
    Ok(())
}
