//! `deploy`: puts the stack in your AWS account, or takes it out. Run it through
//! `cargo xtask deploy` and `cargo xtask destroy`, which package first.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use ch08_deploy::cdk::{Cdk, StackOptions, workspace};
use ch08_deploy::leftovers::{after_destroy, render};
use ch08_deploy::outputs::urls;
use ch08_deploy::plan::plan;
use ch08_deploy::prerequisites::{Environment, missing};
use ch08_deploy::{Deploy, work_dir};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "deploy",
    about = "Deploy the serverless blog to your AWS account, or remove it"
)]
struct Cli {
    #[command(subcommand)]
    command: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Check, synthesize, bootstrap, deploy, and write html/urls.js.
    Deploy {
        /// Do everything up to the first call that changes AWS (synth included), print the plan
        /// and what a deploy still needs, and exit 0.
        #[arg(long)]
        dry_run: bool,
        /// Let only this IPv4 range reach the API and the load balancer (e.g. 203.0.113.7/32).
        #[arg(long)]
        allowed_cidr: Option<String>,
        /// What `destroy` does with the table: destroy (default) or retain.
        #[arg(long)]
        table_removal: Option<String>,
        /// Run this image (already in a registry) instead of building target/package/image.
        #[arg(long)]
        container_image: Option<String>,
        /// Where the folder `cargo xtask package` filled is.
        #[arg(long, default_value_os_t = workspace().join("target/package"))]
        package_dir: PathBuf,
    },
    /// Delete the stack, and list what stays behind and what it costs.
    Destroy {
        /// List what would be deleted and what stays, without changing AWS.
        #[arg(long)]
        dry_run: bool,
        /// Say so if the stack was deployed with --table-removal retain.
        #[arg(long)]
        table_retained: bool,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("deploy: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Action::Deploy {
            dry_run,
            allowed_cidr,
            table_removal,
            container_image,
            package_dir,
        } => {
            let environment = Environment::probe(container_image.clone()).await;
            let deploy = Deploy {
                cdk: Cdk::for_real(),
                stack: StackOptions {
                    package_dir,
                    allowed_cidr,
                    table_removal,
                    container_image,
                },
                work_dir: work_dir(),
                urls_js: workspace().join("html/urls.js"),
                rehearsal: false,
            };
            let template = deploy.synth()?;
            print!(
                "\n{}",
                plan(&environment, &deploy.stack, template.resources().len())
            );
            if dry_run {
                println!("\nDry run: nothing was changed in AWS.");
                return Ok(());
            }
            let missing = missing(&environment);
            if !missing.is_empty() {
                bail!(
                    "{} missing (listed above); nothing was changed in AWS",
                    missing.len()
                );
            }
            let deployed = deploy.deploy(template)?;
            println!("\nDeployed. html/urls.js now points the page at:");
            for (key, url) in urls(&deployed.outputs)? {
                println!("  {key}: {url}");
            }
            let url = |key: &str| -> Result<String> {
                Ok(urls(&deployed.outputs)?
                    .into_iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, url)| url)
                    .unwrap_or_default())
            };
            println!(
                "\nOpen the page against AWS (it serves html/ and the book on your machine):\n  \
                 cargo run -p ch07-local-demo -- --functions-url {} --containers-url {}\n\
                 The container's first answers may take a minute, while its task starts and passes\n\
                 its health checks. Remove everything with: cargo xtask destroy",
                url("FunctionsURL")?,
                url("ContainersURL")?
            );
            Ok(())
        }
        Action::Destroy {
            dry_run,
            table_retained,
        } => {
            let deploy = Deploy {
                cdk: Cdk::for_real(),
                stack: StackOptions::default(),
                work_dir: work_dir(),
                urls_js: workspace().join("html/urls.js"),
                rehearsal: false,
            };
            if !deploy.assembly().exists() {
                bail!(
                    "no {}: run `cargo xtask deploy --dry-run` (or a deploy) first, so that \
                     destroy knows the stack",
                    deploy.assembly().display()
                );
            }
            if !dry_run {
                deploy.cdk.destroy(&deploy.assembly())?;
                let _ = std::fs::remove_file(&deploy.urls_js);
            }
            println!(
                "\n{} the stack ServerlessBlog. What stays in the account, and what it costs:",
                if dry_run { "Would delete" } else { "Deleted" }
            );
            print!("{}", render(&after_destroy(table_retained)));
            Ok(())
        }
    }
}
