//! # Chapter 8: deploying to AWS
//!
//! `cargo xtask deploy` packages (chapter 6's `cargo xtask package`), then runs this crate's
//! `deploy` binary: it checks what a deploy needs ([`prerequisites`]), synthesizes the stack, runs
//! `cdk bootstrap` and `cdk deploy` ([`cdk`]), and writes the page's `html/urls.js` from the
//! stack's outputs ([`outputs`]). `--dry-run` stops before the first call that changes AWS.
//! [`leftovers`] says what `destroy` leaves behind; [`rehearsal`] is what differs when the same
//! path runs against moto instead of AWS.

pub mod cdk;
pub mod leftovers;
pub mod outputs;
pub mod plan;
pub mod prerequisites;
pub mod rehearsal;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use ch06_infrastructure::template::{STACK, Template};

use crate::cdk::{Cdk, StackOptions, workspace};

/// Where a deploy keeps its cloud assembly and its outputs: `target/deploy/`.
pub fn work_dir() -> PathBuf {
    workspace().join("target/deploy")
}

/// How a deploy runs.
#[derive(Debug, Clone)]
pub struct Deploy {
    pub cdk: Cdk,
    pub stack: StackOptions,
    /// Holds `assembly/` (what `cdk synth` wrote) and `outputs.json`.
    pub work_dir: PathBuf,
    /// Where `urls.js` goes (the page's folder, `html/`, for a real deploy).
    pub urls_js: PathBuf,
    /// The rehearsal's differences: `--method direct` and the template patched for moto.
    pub rehearsal: bool,
}

/// What a deploy produced.
#[derive(Debug)]
pub struct Deployed {
    pub template: Template,
    pub outputs: String,
    pub urls_js: String,
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

    /// `npm ci` if needed, then `cdk synth` into the work folder. Changes nothing in AWS.
    pub fn synth(&self) -> Result<Template> {
        std::fs::create_dir_all(&self.work_dir)?;
        self.cdk.ensure_installed()?;
        self.cdk.synth(&self.stack, &self.assembly())?;
        let path = self.template_path();
        let mut template: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        if self.rehearsal {
            let patched = rehearsal::patch_for_moto(&mut template);
            println!(
                "rehearsal: gave {} MOCK integrations the fields moto needs",
                patched.len()
            );
            std::fs::write(&path, serde_json::to_string(&template)?)?;
        }
        Ok(Template::from_json(template))
    }

    // ANCHOR: deploy
    /// Bootstrap, deploy the synthesized assembly, and write `urls.js` from its outputs.
    pub fn deploy(&self, template: Template) -> Result<Deployed> {
        self.cdk.bootstrap()?;
        let method: &[&str] = if self.rehearsal {
            // moto's change sets ignore DependsOn; direct deployment does not.
            &["--method", "direct"]
        } else {
            &[]
        };
        self.cdk
            .deploy(&self.assembly(), &self.outputs_path(), method)?;
        let outputs = std::fs::read_to_string(self.outputs_path())
            .context("cdk deploy wrote no outputs file")?;
        let urls_js = outputs::urls_js_from_outputs(&outputs, &template)?;
        write(&self.urls_js, &urls_js)?;
        Ok(Deployed {
            template,
            outputs,
            urls_js,
        })
    }
    // ANCHOR_END: deploy
}

fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}
