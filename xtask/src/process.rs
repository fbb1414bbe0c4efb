//! Running programs, and where the workspace and its build output are.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Cargo's build folder, as Cargo itself reports it (`cargo metadata`): `CARGO_TARGET_DIR` or
/// `build.target-dir` when set, however they are written, else `target/`. Everything the
/// commands build or stage goes under it, `package/` (what a deploy uploads) included.
pub fn target_dir() -> PathBuf {
    static TARGET_DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    TARGET_DIR
        .get_or_init(|| target_dir_of(&mut cargo()).unwrap_or_else(|_| root().join("target")))
        .clone()
}

/// The workspace's own packages as `cargo metadata` describes them, run as `cargo` is set up.
pub fn metadata_of(cargo: &mut Command) -> Result<serde_json::Value> {
    let output = cargo
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .output()
        .context("cannot run cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}

/// The `target_directory` that `cargo metadata` reports, run as `cargo` is set up.
fn target_dir_of(cargo: &mut Command) -> Result<PathBuf> {
    metadata_of(cargo)?["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .context("cargo metadata names no target directory")
}

/// `cargo`, the one that runs this xtask, in the workspace root.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    command
}

/// Runs a command to completion; a failure names the command.
pub fn run(command: &mut Command) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot run {}", describe(command)))?;
    if !status.success() {
        bail!("{} failed with {status}", describe(command));
    }
    Ok(())
}

/// A command as a person would type it.
pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_folder_is_cargos_own_and_follows_cargo_target_dir() {
        assert_eq!(target_dir_of(&mut cargo()).unwrap(), target_dir());
        let elsewhere = std::env::temp_dir().join("xtask-target-dir-test");
        let found = target_dir_of(cargo().env("CARGO_TARGET_DIR", &elsewhere)).unwrap();
        assert_eq!(found, elsewhere);
        // Relative, it is relative to where cargo runs (the workspace root here), as cargo reads it.
        let found = target_dir_of(cargo().env("CARGO_TARGET_DIR", "build/relative")).unwrap();
        assert_eq!(found, root().join("build/relative"));
        assert_eq!(crate::package::package_dir(), target_dir().join("package"));
    }
}
