//! `cargo xtask demo`: build the book, then become `local-demo` (chapter 7). `cargo xtask
//! deploy` and `destroy` become chapter 8's `deploy` binary the same way.

use anyhow::Result;

use crate::process::cargo;
use crate::test::build_book;
use crate::tools::{ensure_adapter, ensure_mdbook};

/// Packages first when asked, then becomes `deploy <action> <options>` (chapter 8), telling it
/// where the package is: the one folder `cargo xtask package` fills.
pub fn deploy(action: &str, options: &[String], package_first: bool) -> Result<()> {
    let help = options
        .iter()
        .any(|option| option == "--help" || option == "-h");
    if package_first && !help {
        crate::package::run_package(crate::package::Build::Shipping)?;
    }
    let mut options = options.to_vec();
    if package_first
        && !options
            .iter()
            .any(|option| option.starts_with("--package-dir"))
    {
        options.push("--package-dir".to_owned());
        options.push(crate::package::package_dir().display().to_string());
    }
    let mut command = cargo();
    command
        .args([
            "run",
            "--quiet",
            "-p",
            "ch08-deploy",
            "--bin",
            "deploy",
            "--",
            action,
        ])
        .args(&options);
    become_(command)
}

pub fn run(options: &[String]) -> Result<()> {
    let mdbook = ensure_mdbook()?;
    // Chapter 10's container server on Lambda runs through the real adapter.
    let adapter = ensure_adapter()?;
    println!("Building the book...");
    build_book(&mdbook)?;
    println!(
        "Building and starting the demo (the first build compiles the AWS SDK: a few minutes)..."
    );
    let mut command = cargo();
    command
        .env("LAMBDA_ADAPTER", &adapter)
        .args(["run", "-p", "ch07-local-demo", "--bin", "local-demo", "--"])
        .args(options);
    become_(command)
}

/// Becomes `command` (cargo run does the same), so that Ctrl-C reaches only it (the demo stops
/// its servers cleanly) and the shell gets its prompt back when it has finished.
fn become_(mut command: std::process::Command) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let err = command.exec();
        Err(anyhow::anyhow!("cannot run cargo: {err}"))
    }
    #[cfg(not(unix))]
    crate::process::run(&mut command)
}
