//! The stack's checks (chapter 6): one `cdk synth` of `infra-cdk/` against the packaged
//! artifacts, then jest (with cdk-nag's findings already enforced by the synth), then cfn-lint,
//! all on that one template. No AWS credentials are passed on: synth needs none, and without
//! them the CDK CLI asks nothing of AWS.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result};

use crate::package::package_dir;
use crate::process::{root, run};
use crate::tools::ensure_npm_packages;

/// The stack's template, where `cdk synth` writes it.
pub fn template_path() -> PathBuf {
    root().join("infra-cdk/cdk.out/ServerlessBlog.template.json")
}

fn infra_dir() -> PathBuf {
    root().join("infra-cdk")
}

/// A command in `infra-cdk/` with no AWS credentials or profile in its environment, and no CDK
/// version check.
fn offline(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(infra_dir())
        .env("CDK_DISABLE_VERSION_CHECK", "1");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            command.env_remove(name);
        }
    }
    command
}

/// Synthesizes the stack once from `openapi.json` and `target/package`; returns the template.
pub fn synth() -> Result<PathBuf> {
    ensure_npm_packages(&infra_dir())?;
    let package = package_dir();
    run(offline("npx")
        .args(["cdk", "synth", "--quiet", "-c"])
        .arg(format!("packageDir={}", package.display())))
    .context("cdk synth failed (a cdk-nag finding that is not acknowledged fails it too)")?;
    let template = template_path();
    if !template.exists() {
        anyhow::bail!("cdk synth wrote no {}", template.display());
    }
    Ok(template)
}

/// The jest tests, on the synthesized template.
pub fn jest(template: &Path) -> Result<()> {
    run(offline("npx")
        .args(["jest", "--runInBand"])
        .env("BLOG_TEMPLATE", template))
}

/// cfn-lint (from the project's .venv) on the synthesized template; `infra-cdk/.cfnlintrc`
/// holds its settings.
pub fn cfn_lint(python: &Path, template: &Path) -> Result<()> {
    run(offline(python.with_file_name("cfn-lint")).arg(template))
}
