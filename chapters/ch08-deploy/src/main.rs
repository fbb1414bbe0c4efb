//! `deploy`: puts the stack in your AWS account, or takes it out. Run it through
//! `cargo xtask deploy` and `cargo xtask destroy`, which package first and say where the package
//! is.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use aws_config::{BehaviorVersion, Region};
use ch08_deploy::cdk::{Cdk, StackOptions};
use ch08_deploy::destroy::{Destroyed, delete_stack};
use ch08_deploy::leftovers::{after_destroy, render};
use ch08_deploy::outputs::urls;
use ch08_deploy::plan::{PlanInputs, plan};
use ch08_deploy::prerequisites::{Credentials, Environment, Profiles, missing};
use ch08_deploy::public_address::{self, CHECKIP_URL};
use ch08_deploy::record::{DeploymentRecord, region_to_destroy};
use ch08_deploy::{Deploy, RECORD, URLS_JS, logs_role_for, page_dir, preflight};
use clap::{Args, Parser, Subcommand};

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
    /// Check, synthesize, prepare the account, bootstrap, deploy, and write html/urls.js.
    Deploy(DeployOptions),
    /// Delete the stack where html/deployment.json says it is, and list what stays behind and
    /// what it costs.
    Destroy {
        /// Say what would be deleted and what stays, without changing AWS.
        #[arg(long)]
        dry_run: bool,
        /// The region to delete the stack in, when your environment names another one: it must be
        /// the one the stack was deployed to.
        #[arg(long)]
        region: Option<String>,
    },
}

#[derive(Debug, Args)]
struct DeployOptions {
    /// Do everything up to the first call that changes AWS (synth and the account's read-only
    /// checks included), print the plan and what a deploy still needs, and exit 0.
    #[arg(long)]
    dry_run: bool,
    /// Let only this IPv4 range reach the API and the load balancer (e.g. 203.0.113.0/24).
    /// Default: your public address alone.
    #[arg(long, conflicts_with = "public")]
    allowed_cidr: Option<String>,
    /// Let anyone reach the API and the load balancer: anyone who finds the URLs can write and
    /// delete posts.
    #[arg(long)]
    public: bool,
    /// Where to look up your public IPv4 address.
    #[arg(long, value_name = "URL", default_value = CHECKIP_URL)]
    address_from: String,
    /// What `destroy` does with the table: destroy (default) or retain.
    #[arg(long)]
    table_removal: Option<String>,
    /// Run this image (already in a registry) instead of building the package's.
    #[arg(long)]
    container_image: Option<String>,
    /// Where the alarms send an e-mail (chapter 12); AWS asks the address to confirm first.
    #[arg(long, value_name = "ADDRESS")]
    alarm_email: Option<String>,
    /// Apply the changes to a stack that is already deployed without asking (the diff is still
    /// shown).
    #[arg(long)]
    yes: bool,
    /// The folder `cargo xtask package` filled (cargo xtask deploy passes it).
    #[arg(long)]
    package_dir: PathBuf,
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
        Action::Deploy(options) => deploy(options).await,
        Action::Destroy { dry_run, region } => destroy(dry_run, region.as_deref()).await,
    }
}

async fn deploy(options: DeployOptions) -> Result<()> {
    let (environment, aws) = Environment::probe(options.container_image.clone()).await;
    // Read-only questions to the account, when there are credentials to ask with.
    let account = if environment.credentials.is_found() && environment.region.is_some() {
        preflight::check(&aws)
            .await
            .map_err(|err| format!("{err:#}"))
    } else {
        Err("it needs credentials and a region".to_owned())
    };
    let access =
        public_address::decide(options.allowed_cidr, options.public, &options.address_from)
            .await
            .map_err(|err| format!("{err:#}"));
    let deploy = Deploy {
        cdk: Cdk::for_real(),
        stack: StackOptions {
            allowed_cidr: access
                .as_ref()
                .ok()
                .and_then(|access| access.allowed_cidr().map(str::to_owned)),
            table_removal: options.table_removal,
            container_image: options.container_image,
            alarm_email: options.alarm_email,
            logs_role: logs_role_for(account.as_ref().ok()),
            // `cargo xtask deploy` says where it packaged; the deploy's work folder is beside it.
            package_dir: options.package_dir.clone(),
        },
        work_dir: options
            .package_dir
            .parent()
            .context("the package folder has no parent")?
            .join("deploy"),
        page_dir: page_dir(),
        #[cfg(feature = "rehearsal")]
        rehearsal: false,
    };
    let template = deploy.synth()?;
    print!(
        "\n{}",
        plan(&PlanInputs {
            environment: &environment,
            account: account.as_ref().map_err(Clone::clone),
            access: access.as_ref().map_err(Clone::clone),
            stack: &deploy.stack,
            template: &template,
        })
    );
    if options.dry_run {
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
    let account = account.map_err(anyhow::Error::msg)?;
    access.map_err(anyhow::Error::msg)?;
    let yes = options.yes;
    let deployed = deploy
        .deploy(&aws, &account, template, |_diff| approve(yes))
        .await?;
    println!("\nDeployed. html/urls.js now points the page at:");
    let urls = urls(&deployed.outputs)?;
    for (key, url) in &urls {
        println!("  {key}: {url}");
    }
    let url = |key: &str| {
        urls.iter()
            .find(|(k, _)| k == key)
            .map(|(_, url)| url.as_str())
            .unwrap_or_default()
    };
    // The two other doors, when the stack has them (not with -c allowedCidr).
    let other_doors = match (url("HttpApiURL"), url("AllRoutesFunctionURL")) {
        ("", _) | (_, "") => String::new(),
        (http_api, function_url) => {
            format!(" \\\n    --http-api-url {http_api} --all-routes-function-url {function_url}")
        }
    };
    println!(
        "\nOpen the page against AWS (it serves html/ and the book on your machine):\n  \
         cargo run -p ch07-local-demo -- --functions-url {} --containers-url {} \\\n    \
         --all-routes-url {} --web-adapter-url {}{other_doors}\n\
         The container's first answers may take a minute, while its task starts and passes\n\
         its health checks. Remove everything with: cargo xtask destroy",
        url("FunctionsURL"),
        url("ContainersURL"),
        url("AllRoutesURL"),
        url("WebAdapterURL")
    );
    Ok(())
}

async fn destroy(dry_run: bool, told_region: Option<&str>) -> Result<()> {
    let page = page_dir();
    let record_path = page.join(RECORD);
    let Some(record) = DeploymentRecord::read(&record_path)? else {
        bail!(
            "no {}: this machine has no record of a deploy, so there is nothing it deployed to \
             delete. A stack deployed from elsewhere can be deleted in the CloudFormation console.",
            record_path.display()
        );
    };
    // Only credentials and a region: destroy needs neither Node.js nor a container builder.
    let (credentials, aws) = Profiles::from_env().credentials().await;
    let current_account = match credentials {
        Credentials::Found { .. } => aws_sdk_sts::Client::new(&aws)
            .get_caller_identity()
            .send()
            .await
            .ok()
            .and_then(|identity| identity.account().map(str::to_owned)),
        _ => None,
    };
    let region = region_to_destroy(
        &record,
        aws.region().map(|region| region.as_ref()),
        current_account.as_deref(),
        told_region,
    )?;
    let where_ = format!("{} (account {})", region, record.account);
    if dry_run {
        println!("Would delete the stack {} in {where_}.", record.stack);
    } else {
        let aws = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(region.clone()))
            .load()
            .await;
        match delete_stack(&aws, &record.stack).await? {
            Destroyed::Deleted => println!("Deleted the stack {} in {where_}.", record.stack),
            Destroyed::NothingThere => println!(
                "Nothing to delete: there is no stack {} in {where_}.",
                record.stack
            ),
        }
        for file in [page.join(URLS_JS), record_path] {
            let _ = std::fs::remove_file(file);
        }
    }
    println!("What stays in the account, and what it costs:");
    print!("{}", render(&after_destroy(&record)));
    Ok(())
}

// ANCHOR: approve
/// Whether to apply the changes `cdk diff` just printed to the deployed stack: `--yes` says so;
/// otherwise the person at the terminal answers, and with no one there nothing is changed.
fn approve(yes: bool) -> Result<()> {
    use std::io::{BufRead as _, IsTerminal as _, Write as _};
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "the stack is deployed and the changes above are not approved: run again with --yes to apply them"
        );
    }
    print!("\nApply these changes to the deployed stack? [y/N] ");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        bail!("not applied; nothing was changed in AWS")
    }
}
// ANCHOR_END: approve
