//! The stack's checks (chapter 6): one `cdk synth` of `infra-cdk/` against the packaged
//! artifacts, then jest (with cdk-nag's findings already enforced by the synth), cfn-lint and
//! checkov, all on that one template. No AWS credentials are passed on: synth needs none, and without
//! them the CDK CLI asks nothing of AWS.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

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
    offline_in(&infra_dir(), program)
}

/// [`offline`], in another copy of the CDK app (`cargo xtask exercises`'s scratch copy).
pub fn offline_in(folder: &Path, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(folder)
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

/// The jest tests, on the synthesized template; with none, jest synthesizes the app itself
/// against a fake package (`test/support/global-setup.ts`).
pub fn jest(template: Option<&Path>) -> Result<()> {
    ensure_npm_packages(&infra_dir())?;
    let mut command = offline("npx");
    command
        .args(["jest", "--runInBand"])
        .env_remove("BLOG_TEMPLATE");
    if let Some(template) = template {
        command.env("BLOG_TEMPLATE", template);
    }
    run(&mut command)
}

/// TypeScript's own type check of the CDK app and its tests (`tsc`; jest and `cdk synth` only
/// transpile).
pub fn typecheck() -> Result<()> {
    ensure_npm_packages(&infra_dir())?;
    run(offline("npx").args(["tsc", "--noEmit", "--project", "tsconfig.json"]))
}

/// cfn-lint (from the project's .venv) on the synthesized template; `infra-cdk/.cfnlintrc`
/// holds its settings.
pub fn cfn_lint(python: &Path, template: &Path) -> Result<()> {
    run(offline(python.with_file_name("cfn-lint")).arg(template))
}

/// The findings checkov may report, each with the reason the stack keeps it:
/// `infra-cdk/checkov-accepted.json`.
fn accepted_findings() -> Result<BTreeMap<Finding, String>> {
    let path = infra_dir().join("checkov-accepted.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let list: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let mut accepted = BTreeMap::new();
    for entry in list["accepted"]
        .as_array()
        .context("no \"accepted\" list")?
    {
        let field = |name: &str| {
            entry[name]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("an accepted finding without \"{name}\": {entry}"))
        };
        let reason = field("reason")?;
        if reason.len() < 40 {
            bail!(
                "the reason for {} on {} says too little: {reason:?}",
                field("check")?,
                field("resource_type")?
            );
        }
        accepted.insert((field("check")?, field("resource_type")?), reason);
    }
    Ok(accepted)
}

/// checkov (from `.venv-checkov`) on the synthesized template. Every failed check must be in
/// `infra-cdk/checkov-accepted.json` (by check and resource type, with a reason), and every entry
/// there must still be found: a new finding fails the run, and so does an acceptance that no
/// longer accepts anything.
pub fn checkov(template: &Path) -> Result<()> {
    let python = crate::tools::ensure(crate::tools::CHECKOV)?;
    let output = offline(python.with_file_name("checkov"))
        .args([
            "--framework",
            "cloudformation",
            "--compact",
            "--quiet",
            "--output",
            "json",
            "--file",
        ])
        .arg(template)
        .output()
        .context("cannot run checkov")?;
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).with_context(|| {
        format!(
            "checkov printed no JSON report:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    let summary = &report["summary"];
    if summary["parsing_errors"].as_u64() != Some(0)
        || summary["resource_count"].as_u64().unwrap_or(0) == 0
    {
        bail!("checkov could not read the template: {summary}");
    }
    let mut found: BTreeMap<Finding, Vec<String>> = BTreeMap::new();
    for failed in report["results"]["failed_checks"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let check = failed["check_id"].as_str().unwrap_or_default().to_owned();
        let resource = failed["resource"].as_str().unwrap_or_default();
        let (kind, logical_id) = resource.rsplit_once('.').unwrap_or((resource, ""));
        found
            .entry((check, kind.to_owned()))
            .or_default()
            .push(format!(
                "{logical_id} ({})",
                failed["check_name"].as_str().unwrap_or_default()
            ));
    }
    println!(
        "checkov {}: {} checks passed, {} findings",
        summary["checkov_version"].as_str().unwrap_or("?"),
        summary["passed"],
        summary["failed"]
    );
    compare_with_accepted(&found, &accepted_findings()?)?;
    println!("every finding is accepted in infra-cdk/checkov-accepted.json, with its reason");
    Ok(())
}

/// A finding: the check and the resource type it was found on.
type Finding = (String, String);

/// Fails with both lists when `found` (each finding with where it was found) and `accepted`
/// differ: a finding nobody accepted, or an acceptance that accepts nothing any more.
fn compare_with_accepted(
    found: &BTreeMap<Finding, Vec<String>>,
    accepted: &BTreeMap<Finding, String>,
) -> Result<()> {
    let new: Vec<String> = found
        .iter()
        .filter(|(key, _)| !accepted.contains_key(*key))
        .map(|((check, kind), where_)| format!("{check} on {kind}: {}", where_.join(", ")))
        .collect();
    let stale: Vec<String> = accepted
        .keys()
        .filter(|key| !found.contains_key(*key))
        .map(|(check, kind)| format!("{check} on {kind}"))
        .collect();
    if new.is_empty() && stale.is_empty() {
        return Ok(());
    }
    let list = |items: &[String]| {
        if items.is_empty() {
            "(none)".to_owned()
        } else {
            items.join("\n  ")
        }
    };
    bail!(
        "checkov's findings differ from infra-cdk/checkov-accepted.json.\n\
         New findings (fix them, or accept each with its reason):\n  {}\n\
         Accepted but no longer found (remove them):\n  {}",
        list(&new),
        list(&stale),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(check: &str, kind: &str) -> Finding {
        (check.to_owned(), kind.to_owned())
    }

    #[test]
    fn findings_pass_only_when_they_are_exactly_the_accepted_ones() {
        let accepted: BTreeMap<Finding, String> = [(
            finding("CKV_AWS_2", "AWS::ElasticLoadBalancingV2::Listener"),
            "no domain".into(),
        )]
        .into();
        let found: BTreeMap<Finding, Vec<String>> = [(
            finding("CKV_AWS_2", "AWS::ElasticLoadBalancingV2::Listener"),
            vec!["Listener".into()],
        )]
        .into();
        compare_with_accepted(&found, &accepted).unwrap();

        let mut more = found.clone();
        more.insert(
            finding("CKV_AWS_91", "AWS::ElasticLoadBalancingV2::LoadBalancer"),
            vec!["LB (access logs)".into()],
        );
        let err = compare_with_accepted(&more, &accepted)
            .unwrap_err()
            .to_string();
        assert!(err.contains("New findings (fix them, or accept each with its reason):\n  CKV_AWS_91 on AWS::ElasticLoadBalancingV2::LoadBalancer: LB (access logs)"), "{err}");

        let err = compare_with_accepted(&BTreeMap::new(), &accepted)
            .unwrap_err()
            .to_string();
        assert!(err.contains("Accepted but no longer found (remove them):\n  CKV_AWS_2 on AWS::ElasticLoadBalancingV2::Listener"), "{err}");
    }

    #[test]
    fn the_committed_list_gives_every_acceptance_a_reason() {
        let accepted = accepted_findings().unwrap();
        assert!(!accepted.is_empty());
        assert!(accepted.values().all(|reason| reason.len() >= 40));
    }
}
