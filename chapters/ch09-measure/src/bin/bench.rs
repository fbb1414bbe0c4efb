//! `bench`: measures the functions and the server and writes the figures the book shows.
//! `cargo xtask bench` builds the release binaries and runs this; `--quick` is the smoke run
//! `cargo xtask test` does on debug builds (a few iterations, every answer counted).

use std::path::PathBuf;

use clap::Parser;

#[derive(Debug, Parser)]
#[command(name = "bench")]
struct Args {
    /// The folder holding the binaries to measure (get-posts, ..., blog-server, hello-function,
    /// hello-server).
    #[arg(long)]
    bin_dir: PathBuf,
    /// What `cargo xtask package` staged (for the sizes).
    #[arg(long)]
    package_dir: PathBuf,
    /// Where the results go (results.json, the tables, the charts).
    #[arg(long)]
    out: PathBuf,
    /// Where the project's targets table goes (not into the book).
    #[arg(long)]
    targets: PathBuf,
    /// A few iterations, to check the harness works: no figure is worth reading.
    #[arg(long)]
    quick: bool,
    /// The Lambda Web Adapter built for this machine (`cargo xtask bench` builds it with the
    /// crate's release profile), which runs chapter 10's second shape.
    #[arg(long)]
    adapter: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let options = ch09_measure::run::Options {
        bin_dir: args.bin_dir,
        package_dir: args.package_dir,
        quick: args.quick,
        adapter: args.adapter,
    };
    let results = ch09_measure::run::run(&options).await?;
    ch09_measure::report::write(&results, &args.out, &args.targets)?;
    println!("{}", ch09_measure::report::summary(&results)?);
    Ok(())
}
