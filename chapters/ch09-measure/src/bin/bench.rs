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
    #[arg(long, required_unless_present = "render")]
    bin_dir: Option<PathBuf>,
    /// What `cargo xtask package` staged (for the sizes).
    #[arg(long, required_unless_present = "render")]
    package_dir: Option<PathBuf>,
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
    #[arg(long, required_unless_present = "render")]
    adapter: Option<PathBuf>,
    /// Measure nothing: write the pages, charts and targets again from `--out`'s results.json.
    #[arg(long)]
    render: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.render {
        return ch09_measure::report::render_again(&args.out, &args.targets);
    }
    let required = "clap requires it without --render";
    let options = ch09_measure::run::Options {
        bin_dir: args.bin_dir.expect(required),
        package_dir: args.package_dir.expect(required),
        quick: args.quick,
        adapter: args.adapter.expect(required),
    };
    let results = ch09_measure::run::run(&options).await?;
    ch09_measure::report::write(&results, &args.out, &args.targets)?;
    println!("{}", ch09_measure::report::summary(&results)?);
    Ok(())
}
