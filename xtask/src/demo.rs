//! `cargo xtask demo`: build the book, then become `local-demo` (chapter 7).

use anyhow::Result;

use crate::process::cargo;
use crate::test::build_book;
use crate::tools::ensure_mdbook;

pub fn run(options: &[String]) -> Result<()> {
    let mdbook = ensure_mdbook()?;
    println!("Building the book...");
    build_book(&mdbook)?;
    println!(
        "Building and starting the demo (the first build compiles the AWS SDK: a few minutes)..."
    );
    let mut command = cargo();
    command
        .args(["run", "-p", "ch07-local-demo", "--bin", "local-demo", "--"])
        .args(options);
    // Become the demo (cargo run does the same), so that Ctrl-C reaches only the demo, which
    // stops its servers cleanly, and the shell gets its prompt back when it has.
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let err = command.exec();
        Err(anyhow::anyhow!("cannot run cargo: {err}"))
    }
    #[cfg(not(unix))]
    crate::process::run(&mut command)
}
