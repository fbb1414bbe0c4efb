//! `cargo xtask bench`: chapter 9's measurements on release builds for this machine, written
//! into the book (`book/src/measurements/`). A benchmark prints and records figures; no test
//! decides anything by them.

use std::time::Instant;

use anyhow::Result;

use crate::process::{self, cargo, root, target_dir};
use crate::tools::{ensure_adapter_release, ensure_debian_programs, ensure_python_tools};

pub fn run(options: &[String]) -> Result<()> {
    if options.iter().any(|option| option == "--deployed") {
        return deployed(options);
    }
    if options == ["--render"] {
        return render();
    }
    if let Some(option) = options.first() {
        anyhow::bail!(
            "cargo xtask bench takes no option {option:?}: only -- --deployed, for your deployed \
             stack, or -- --render, to write the pages again from the figures"
        );
    }
    let started = Instant::now();
    let python = ensure_python_tools()?;
    ensure_debian_programs()?;
    // The sizes chapter 9 reports are those of what the stack deploys.
    crate::package::run_package(crate::package::Build::Shipping)?;
    // Chapter 10's web adapter is measured with the adapter as it ships: the release profile.
    let adapter = ensure_adapter_release()?;
    process::run(cargo().args([
        "build",
        "--release",
        "--locked",
        "-p",
        "ch03-functions",
        "-p",
        "ch04-container",
        "-p",
        "ch09-measure",
        "-p",
        "ch10-between",
        "--bins",
    ]))?;
    let release = target_dir().join("release");
    process::run(
        std::process::Command::new(release.join("bench"))
            .arg("--bin-dir")
            .arg(&release)
            .arg("--package-dir")
            .arg(crate::package::package_dir())
            .arg("--out")
            .arg(root().join("book/src/measurements"))
            .arg("--targets")
            .arg(root().join("chapters/ch09-measure/TARGETS.md"))
            .arg("--adapter")
            .arg(&adapter)
            .env("MOTO_PYTHON", &python),
    )?;
    println!(
        "cargo xtask bench: done in {:.0} s; the figures are in book/src/measurements/",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `cargo xtask bench -- --render`: the pages, charts and targets written again from the figures
/// in `book/src/measurements/results.json`, measuring nothing (after a change to the report).
fn render() -> Result<()> {
    process::run(
        cargo()
            .args([
                "run",
                "--quiet",
                "--locked",
                "-p",
                "ch09-measure",
                "--bin",
                "bench",
                "--",
            ])
            .arg("--render")
            .arg("--out")
            .arg(root().join("book/src/measurements"))
            .arg("--targets")
            .arg(root().join("chapters/ch09-measure/TARGETS.md")),
    )
}

/// `cargo xtask bench -- --deployed`: the latency of the stack `cargo xtask deploy` recorded, from
/// this machine, into `book/src/measurements/yours/`. It asks before it sends anything.
fn deployed(options: &[String]) -> Result<()> {
    let mut command = cargo();
    command
        .args([
            "run",
            "--release",
            "--quiet",
            "--locked",
            "-p",
            "ch09-measure",
            "--bin",
            "bench-deployed",
            "--",
        ])
        .arg("--record")
        .arg(root().join("html/deployment.json"))
        .arg("--outputs")
        .arg(target_dir().join("deploy/outputs.json"))
        .arg("--out")
        .arg(root().join("book/src/measurements/yours"))
        .arg("--template")
        .arg(target_dir().join("deploy/assembly/ServerlessBlog.template.json"))
        .args(options.iter().filter(|option| *option != "--deployed"));
    process::run(&mut command)
}
