//! # Chapter 8: deploying to AWS
//!
//! `cargo xtask deploy` packages (chapter 6's `cargo xtask package`), then runs this crate's
//! `deploy` binary: it checks what this machine offers a deploy ([`prerequisites`]) and what the
//! account already has ([`preflight`]), decides who may call the blog ([`public_address`]),
//! synthesizes the stack, checks it against what AWS requires of a new account
//! ([`fresh_account`]), runs `cdk bootstrap` and `cdk deploy` ([`cdk`]), records where it went
//! ([`record`]) and writes the page's `html/urls.js` from the stack's outputs ([`outputs`]).
//! `--dry-run` stops before the first call that changes AWS. `destroy` deletes the stack where the
//! record says it is ([`destroy`]); [`leftovers`] says what stays. `rehearsal` (a feature only the
//! tests switch on) is what differs when the same path runs against moto instead of AWS.

pub mod cdk;
pub mod destroy;
pub mod fresh_account;
pub mod leftovers;
pub mod outputs;
pub mod plan;
pub mod preflight;
pub mod prerequisites;
pub mod public_address;
pub mod record;
#[cfg(feature = "rehearsal")]
pub mod rehearsal;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use aws_config::SdkConfig;
use ch06_infrastructure::template::{STACK, Template};

use crate::cdk::{Cdk, LogsRole, StackOptions, workspace};
use crate::preflight::AccountState;
use crate::record::DeploymentRecord;

/// Where the page and the record of a deploy go: `html/`.
pub fn page_dir() -> PathBuf {
    workspace().join("html")
}

/// The page's list of backends, in the page's folder.
pub const URLS_JS: &str = "urls.js";

/// The record of where the stack went ([`record`]), in the page's folder.
pub const RECORD: &str = "deployment.json";

/// How a deploy runs.
#[derive(Debug, Clone)]
pub struct Deploy {
    pub cdk: Cdk,
    pub stack: StackOptions,
    /// Holds `assembly/` (what `cdk synth` wrote) and `outputs.json`.
    pub work_dir: PathBuf,
    /// Where `urls.js` and `deployment.json` go (the page's folder, `html/`, for a real deploy).
    pub page_dir: PathBuf,
    /// The rehearsal's differences: `--method direct` and the template patched for moto (feature
    /// `rehearsal`, which only the tests switch on: the deploy program has no moto in it).
    #[cfg(feature = "rehearsal")]
    pub rehearsal: bool,
}

/// What a deploy produced.
#[derive(Debug)]
pub struct Deployed {
    pub template: Template,
    pub outputs: String,
    pub urls_js: String,
    /// The service-linked roles it created first.
    pub created_roles: Vec<&'static str>,
}

impl Deploy {
    pub fn assembly(&self) -> PathBuf {
        self.work_dir.join("assembly")
    }

    pub fn outputs_path(&self) -> PathBuf {
        self.work_dir.join("outputs.json")
    }

    pub fn template_path(&self) -> PathBuf {
        self.assembly().join(format!("{STACK}.template.json"))
    }

    pub fn urls_js_path(&self) -> PathBuf {
        self.page_dir.join(URLS_JS)
    }

    pub fn record_path(&self) -> PathBuf {
        self.page_dir.join(RECORD)
    }

    /// `npm ci` if needed, then `cdk synth` into the work folder. Changes nothing in AWS.
    pub fn synth(&self) -> Result<Template> {
        std::fs::create_dir_all(&self.work_dir)?;
        self.cdk.ensure_installed()?;
        self.cdk.synth(&self.stack, &self.assembly())?;
        let path = self.template_path();
        let template: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        #[cfg(feature = "rehearsal")]
        let template = if self.rehearsal {
            let mut template = template;
            let patched = rehearsal::patch_for_moto(&mut template);
            println!(
                "rehearsal: gave {} MOCK integrations, function URL outputs, dashboards and users of an alias what moto needs",
                patched.len()
            );
            std::fs::write(&path, serde_json::to_string(&template)?)?;
            template
        } else {
            template
        };
        Ok(Template::from_json(template))
    }

    // ANCHOR: deploy
    /// Checks the template against what the account has, creates the service-linked roles it
    /// lacks, records where the stack goes, bootstraps, shows what changes when the stack is
    /// already deployed (and stops unless `approve` approves the diff), deploys the synthesized
    /// assembly, and writes `urls.js` from its outputs.
    pub async fn deploy(
        &self,
        aws: &SdkConfig,
        account: &AccountState,
        template: Template,
        approve: impl FnOnce(&str) -> Result<()>,
    ) -> Result<Deployed> {
        let problems = fresh_account::problems(template.json(), Some(account));
        if !problems.is_empty() {
            bail!(
                "AWS would refuse this stack in {}; nothing was changed:\n  {}",
                account.region,
                problems.join("\n  ")
            );
        }
        let created_roles = preflight::prepare(aws, account).await?;
        for role in &created_roles {
            println!("created the service-linked role {role}");
        }
        // Before anything of the stack exists: `destroy` finds it by this record.
        DeploymentRecord {
            stack: STACK.to_owned(),
            account: account.account.clone(),
            region: account.region.clone(),
            table_retained: self.stack.table_removal.as_deref() == Some("retain"),
            logs_role_set_by_stack: self.stack.logs_role == LogsRole::Stack,
        }
        .write(&self.record_path())?;
        self.cdk.bootstrap(&self.assembly())?;
        // A stack that is already there: show what this deploy changes, and go on only if the
        // caller approves it.
        if destroy::stack_is_there(aws, STACK).await? {
            let diff = self.diff()?;
            approve(&diff)?;
        }
        #[cfg(feature = "rehearsal")]
        let method: &[&str] = if self.rehearsal {
            // moto's change sets ignore DependsOn; direct deployment does not.
            &["--method", "direct"]
        } else {
            &[]
        };
        #[cfg(not(feature = "rehearsal"))]
        let method: &[&str] = &[];
        self.cdk
            .deploy(&self.assembly(), &self.outputs_path(), method)?;
        let outputs = std::fs::read_to_string(self.outputs_path())
            .context("cdk deploy wrote no outputs file")?;
        let urls_js = outputs::urls_js_from_outputs(&outputs, &template)?;
        write(&self.urls_js_path(), &urls_js)?;
        Ok(Deployed {
            template,
            outputs,
            urls_js,
            created_roles,
        })
    }
    // ANCHOR_END: deploy

    /// What deploying the synthesized assembly would change in the deployed stack (`cdk diff`).
    pub fn diff(&self) -> Result<String> {
        #[cfg(feature = "rehearsal")]
        if self.rehearsal {
            // moto has the deployed template; a change set would ignore DependsOn, as above.
            return self.cdk.diff(&self.assembly(), &["--method", "template"]);
        }
        self.cdk.diff(&self.assembly(), &[])
    }
}

// ANCHOR: logs_role_for
/// Where API Gateway's CloudWatch role should come from, given what the account has: the
/// account's own when it has one (the stack never overwrites a setting it did not make), else
/// the stack's. A role this stack set on an earlier deploy stays the stack's.
pub fn logs_role_for(account: Option<&AccountState>) -> LogsRole {
    let set_by_this_stack = |arn: &str| {
        arn.rsplit('/')
            .next()
            .is_some_and(|name| name.starts_with(&format!("{STACK}-")))
    };
    match account.and_then(|state| state.api_gateway_logs_role.as_deref()) {
        Some(arn) if !set_by_this_stack(arn) => LogsRole::Account,
        _ => LogsRole::Stack,
    }
}
// ANCHOR_END: logs_role_for

fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}
