//! The server's container image, built from `target/package/image` with buildah (Debian's
//! package: no daemon, no registry, no network): what the tests check and chapter 9 measures.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

/// The tag the image gets locally.
pub const IMAGE: &str = "localhost/blog-server:test";

/// buildah with its storage under `target/buildah` (the vfs driver needs no kernel support).
pub fn buildah(workspace: &Path) -> Command {
    let state = workspace.join("target/buildah");
    let mut command = Command::new("buildah");
    command
        .arg("--root")
        .arg(state.join("root"))
        .arg("--runroot")
        .arg(state.join("run"))
        .args(["--storage-driver", "vfs"]);
    command
}

/// Runs `command`, and returns what it printed, or what went wrong.
pub fn output(command: &mut Command) -> Result<String> {
    let output = command.output().with_context(|| {
        format!(
            "cannot run {command:?}: this needs buildah, skopeo and qemu-user-static \
             (`cargo xtask test` installs them on Debian)"
        )
    })?;
    if !output.status.success() {
        bail!(
            "{command:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Builds the image from `context` (for arm64) and returns buildah's description of it.
pub fn build(workspace: &Path, context: &Path) -> Result<serde_json::Value> {
    if !context.join("blog-server").exists() {
        bail!(
            "no {}: `cargo xtask package` stages the image's build context",
            context.display()
        );
    }
    output(
        buildah(workspace)
            .args(["build", "--quiet", "--platform", "linux/arm64", "-t", IMAGE])
            .arg(context),
    )?;
    let described = output(buildah(workspace).args(["inspect", "--type", "image", IMAGE]))?;
    serde_json::from_str(&described).context("buildah's description of the image")
}

/// The bytes a registry stores and a task pulls: the image's compressed layers and its
/// configuration, as `buildah push` writes them to an OCI layout and `skopeo` reads its manifest.
pub fn pushed_bytes(workspace: &Path) -> Result<u64> {
    // A folder of this process's own: the tests of two chapters measure the image at once.
    let dir: PathBuf = workspace.join(format!("target/buildah/oci-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    output(
        buildah(workspace)
            .args(["push", "--quiet", IMAGE])
            .arg(format!("oci:{}:test", dir.display())),
    )?;
    let manifest: serde_json::Value = serde_json::from_str(&output(
        Command::new("skopeo")
            .args(["inspect", "--raw"])
            .arg(format!("oci:{}:test", dir.display())),
    )?)
    .context("skopeo's manifest of the image")?;
    let _ = std::fs::remove_dir_all(&dir);
    let layers: u64 = manifest["layers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|layer| layer["size"].as_u64())
        .sum();
    Ok(layers + manifest["config"]["size"].as_u64().unwrap_or(0))
}
