//! Running the CDK CLI of `infra-cdk/` (from its `node_modules`), with the context values this
//! chapter's options become.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result, bail};

/// The workspace root.
pub fn workspace() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// The CDK app's folder.
pub fn infra_dir() -> PathBuf {
    workspace().join("infra-cdk")
}

/// The context values a deploy passes to the stack (`-c name=value`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StackOptions {
    pub package_dir: PathBuf,
    /// Only this IPv4 range may reach either variant.
    pub allowed_cidr: Option<String>,
    /// `retain` keeps the table when the stack is destroyed.
    pub table_removal: Option<String>,
    /// An image already in a registry, instead of building the package's.
    pub container_image: Option<String>,
    /// Where API Gateway's CloudWatch role comes from (the preflight decides).
    pub logs_role: LogsRole,
    /// An e-mail address the alarms write to (chapter 12).
    pub alarm_email: Option<String>,
}

/// Where the API's stage gets API Gateway's CloudWatch role, which it needs to write access logs
/// (the stack's context value `apiGatewayLogsRole`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogsRole {
    /// The stack creates the role and sets it for the region (kept after `destroy`).
    #[default]
    Stack,
    /// The account already has one in this region; the stack leaves it alone.
    Account,
}

impl LogsRole {
    fn context_value(self) -> &'static str {
        match self {
            Self::Stack => "stack",
            Self::Account => "account",
        }
    }
}

impl StackOptions {
    pub fn context_args(&self) -> Vec<String> {
        let mut args = vec![
            format!("packageDir={}", self.package_dir.display()),
            format!("apiGatewayLogsRole={}", self.logs_role.context_value()),
        ];
        for (name, value) in [
            ("allowedCidr", &self.allowed_cidr),
            ("tableRemoval", &self.table_removal),
            ("containerImage", &self.container_image),
            ("alarmEmail", &self.alarm_email),
        ] {
            if let Some(value) = value {
                args.push(format!("{name}={value}"));
            }
        }
        args.into_iter()
            .flat_map(|arg| ["-c".to_owned(), arg])
            .collect()
    }
}

/// The CDK CLI with a given environment (the caller's own, or a rehearsal's).
#[derive(Debug, Clone)]
pub struct Cdk {
    env: Vec<(String, String)>,
    clear_aws_env: bool,
    /// Every `cdk` command run so far, as shown: what a deploy really did.
    ran: Arc<Mutex<Vec<String>>>,
}

impl Cdk {
    /// With the caller's own AWS environment (credentials, profile, region).
    pub fn for_real() -> Self {
        Self::with_env(Vec::new(), false)
    }

    /// With no AWS environment but `env`: nothing of the caller's account can leak in.
    pub fn isolated(env: Vec<(String, String)>) -> Self {
        Self::with_env(env, true)
    }

    fn with_env(env: Vec<(String, String)>, clear_aws_env: bool) -> Self {
        Self {
            env,
            clear_aws_env,
            ran: Arc::default(),
        }
    }

    /// The `cdk` commands run so far, in order, as printed.
    pub fn commands_run(&self) -> Vec<String> {
        self.ran.lock().expect("not poisoned").clone()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("npx");
        command
            .current_dir(infra_dir())
            .arg("cdk")
            .args(args)
            .env("CDK_DISABLE_VERSION_CHECK", "1");
        if self.clear_aws_env {
            for (name, _) in std::env::vars_os() {
                if name.to_string_lossy().starts_with("AWS_") || name == "CDK_DOCKER" {
                    command.env_remove(name);
                }
            }
        }
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }

    /// The command for `args` then `extra`, printed and recorded as run, with how it was shown.
    fn announced(&self, args: &[&str], extra: &[String]) -> (Command, String) {
        let mut command = self.command(args);
        command.args(extra);
        let shown = format!("npx cdk {} {}", args.join(" "), extra.join(" "))
            .trim_end()
            .to_owned();
        println!("$ {shown}");
        self.ran.lock().expect("not poisoned").push(shown.clone());
        (command, shown)
    }

    fn run(&self, args: &[&str], extra: &[String]) -> Result<()> {
        let (mut command, shown) = self.announced(args, extra);
        let status = command
            .status()
            .with_context(|| format!("cannot run {shown} (is Node.js installed?)"))?;
        if !status.success() {
            bail!("{shown} failed with {status}");
        }
        Ok(())
    }

    /// `npm ci` in infra-cdk when its packages are missing.
    pub fn ensure_installed(&self) -> Result<()> {
        if infra_dir().join("node_modules/.bin/cdk").exists() {
            return Ok(());
        }
        println!("$ npm ci (in infra-cdk, once)");
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(infra_dir())
            .status()
            .context("cannot run npm (install Node.js 20 or newer)")?;
        if !status.success() {
            bail!("npm ci failed in infra-cdk");
        }
        Ok(())
    }

    /// Synthesizes the stack into `out` (a cloud assembly); cdk-nag's checks run here.
    pub fn synth(&self, options: &StackOptions, out: &Path) -> Result<()> {
        let mut extra = options.context_args();
        extra.push("--output".into());
        extra.push(out.display().to_string());
        self.run(&["synth", "--quiet"], &extra)
    }

    /// Creates the CDK's own resources in the account and region, once (`CDKToolkit`: a bucket
    /// and an image repository for the assets, and the roles that deploy). Running it again on
    /// a bootstrapped environment changes nothing. It reads the synthesized assembly `app`: run
    /// without one, the CLI would synthesize the app again, without this deploy's context.
    pub fn bootstrap(&self, app: &Path) -> Result<()> {
        self.run(&["bootstrap"], &["--app".into(), app.display().to_string()])
    }

    // ANCHOR: diff
    /// What deploying the synthesized assembly `app` would change in the deployed stack, as
    /// `cdk diff` prints it (resources added `[+]`, removed `[-]`, changed `[~]`, and whether a
    /// change replaces a resource): printed, and returned for the caller to show or keep.
    pub fn diff(&self, app: &Path, extra: &[&str]) -> Result<String> {
        let mut args = vec!["--app".to_owned(), app.display().to_string()];
        args.extend(extra.iter().map(|arg| arg.to_string()));
        let (mut command, shown) = self.announced(&["diff", "ServerlessBlog"], &args);
        let output = command
            .output()
            .with_context(|| format!("cannot run {shown} (is Node.js installed?)"))?;
        // The CLI writes the diff to standard error and its summary to standard output.
        let text = String::from_utf8_lossy(&output.stderr).into_owned()
            + &String::from_utf8_lossy(&output.stdout);
        print!("{text}");
        if !output.status.success() {
            bail!("{shown} failed with {}", output.status);
        }
        Ok(text)
    }
    // ANCHOR_END: diff

    /// Deploys the synthesized assembly `app` and writes its outputs to `outputs`.
    pub fn deploy(&self, app: &Path, outputs: &Path, extra: &[&str]) -> Result<()> {
        let mut args = vec![
            "--app".to_owned(),
            app.display().to_string(),
            "--require-approval".into(),
            "never".into(),
            "--outputs-file".into(),
            outputs.display().to_string(),
        ];
        args.extend(extra.iter().map(|arg| arg.to_string()));
        self.run(&["deploy", "ServerlessBlog"], &args)
    }
}
