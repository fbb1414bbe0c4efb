//! What a deploy says before it changes anything: what it found on this machine and in the
//! account, who will be able to call the blog, what it will do, what the stack costs idle, and
//! what it still needs. `--dry-run` prints this and stops.

use std::fmt::Write as _;

use ch06_infrastructure::prices::idle_cost_per_day;
use ch06_infrastructure::template::Template;

use crate::cdk::{LogsRole, StackOptions};
use crate::fresh_account;
use crate::preflight::{self, AccountState, SERVICE_LINKED_ROLES};
use crate::prerequisites::{Environment, missing};
use crate::public_address::Access;

/// What the plan is made from.
#[derive(Debug)]
pub struct PlanInputs<'a> {
    pub environment: &'a Environment,
    /// What the preflight read of the account, or why it could not run.
    pub account: Result<&'a AccountState, String>,
    /// Who may call the blog, or why that could not be decided.
    pub access: Result<&'a Access, String>,
    pub stack: &'a StackOptions,
    pub template: &'a Template,
}

/// The text of the plan.
pub fn plan(inputs: &PlanInputs<'_>) -> String {
    let PlanInputs {
        environment,
        stack,
        template,
        ..
    } = inputs;
    let mut out = String::new();
    let resources = template
        .resources()
        .iter()
        .filter(|r| r.kind != "AWS::CDK::Metadata")
        .count();
    let found = |value: &Option<String>| value.clone().unwrap_or_else(|| "(none)".to_owned());
    let _ = writeln!(
        out,
        "Deploying the serverless blog: stack ServerlessBlog, {resources} resources"
    );
    let _ = writeln!(out, "  credentials:       {}", environment.credentials);
    let _ = writeln!(out, "  region:            {}", found(&environment.region));
    let _ = writeln!(out, "  Node.js:           {}", found(&environment.node));
    let _ = match &stack.container_image {
        Some(image) => writeln!(out, "  server image:      {image} (already in a registry)"),
        None => writeln!(
            out,
            "  image builder:     {}",
            found(&environment.container_builder)
        ),
    };
    out.push('\n');
    write_access(&mut out, &inputs.access);
    out.push('\n');
    write_account(&mut out, &inputs.account, template);
    out.push('\n');
    write_steps(&mut out, stack);
    out.push('\n');
    let parts = idle_cost_per_day();
    let total: f64 = parts.iter().map(|(_, dollars)| dollars).sum();
    let _ = writeln!(
        out,
        "While deployed, the stack costs about ${total:.2} a day with no traffic at all (the load\n\
         balancer, one task and their public IPv4 addresses; the functions cost nothing idle).\n\
         `cargo xtask destroy` removes it."
    );
    let problems = fresh_account::problems(template.json(), inputs.account.as_ref().ok().copied());
    if !problems.is_empty() {
        let _ = writeln!(out, "\nAWS would refuse this stack as it is:");
        for problem in problems {
            let _ = writeln!(out, "  - {problem}");
        }
    }
    let mut needs: Vec<String> = missing(environment)
        .into_iter()
        .map(|need| format!("{}: {}", need.what, need.how))
        .collect();
    if let Err(why) = &inputs.access {
        needs.push(format!("who may call the blog: {why}"));
    }
    if !needs.is_empty() {
        let _ = writeln!(out, "\nA deploy still needs:");
        for need in needs {
            let _ = writeln!(out, "  - {need}");
        }
    }
    out
}

// ANCHOR: access
fn write_access(out: &mut String, access: &Result<&Access, String>) {
    let _ = match access {
        Ok(Access::Only { cidr, why }) => writeln!(
            out,
            "Only {cidr} will reach the API and the load balancer\n({why}).\n\
             --allowed-cidr <range> admits another range; --public opens both to anyone."
        ),
        Ok(Access::Anyone) => writeln!(
            out,
            "The API and the load balancer will be public (--public): anyone who finds their URLs\n\
             can read, write and delete posts."
        ),
        Err(_) => writeln!(
            out,
            "Who may call the blog is not decided (see below): by default only your public address."
        ),
    };
}
// ANCHOR_END: access

fn write_account(out: &mut String, account: &Result<&AccountState, String>, template: &Template) {
    match account {
        Ok(state) => out.push_str(&preflight::describe(state, stage_burst(template))),
        Err(why) => {
            let roles: Vec<&str> = SERVICE_LINKED_ROLES.iter().map(|role| role.name).collect();
            let _ = writeln!(
                out,
                "Your account: not checked ({why}). Before it changes anything, a deploy reads:\n\
                 \x20 - the region's API Gateway CloudWatch role (a stage that writes access logs needs one):\n\
                 \x20   the stack sets one where there is none, and it stays after destroy;\n\
                 \x20 - the service-linked roles {}: created first where missing;\n\
                 \x20 - Lambda's concurrency quota, lower in a new account.",
                roles.join(" and ")
            );
        }
    }
}

fn write_steps(out: &mut String, stack: &StackOptions) {
    let logs_role = match stack.logs_role {
        LogsRole::Stack => "the stack sets API Gateway's CloudWatch role for the region",
        LogsRole::Account => "the stack uses the account's API Gateway CloudWatch role",
    };
    let _ = writeln!(out, "Steps:");
    for (step, what) in [
        (
            "1. cargo xtask package",
            "the functions' zips, the adapter's layer and the server's image context (done)",
        ),
        (
            "2. npx cdk synth",
            "the template, checked by cdk-nag and against a new account's needs (done)",
        ),
        (
            "3. service-linked roles",
            "created where the account lacks them (IAM)",
        ),
        (
            "4. html/deployment.json",
            "records the account and region, for destroy",
        ),
        (
            "5. npx cdk bootstrap",
            "the CDK's bucket, repository and roles, once per account and region",
        ),
        (
            "6. npx cdk deploy",
            "uploads the zips and the image, creates the stack ServerlessBlog",
        ),
        (
            "7. html/urls.js",
            "written from the stack's four outputs (FunctionsURL, ContainersURL, ...)",
        ),
    ] {
        let _ = writeln!(out, "  {step:<25} {what}");
    }
    let _ = writeln!(out, "  {:<25} {logs_role}", "API Gateway's logs:");
    let table = match stack.table_removal.as_deref() {
        Some("retain") => "kept (tableRemoval=retain)",
        _ => "deleted with the stack (--table-removal retain keeps it)",
    };
    let _ = writeln!(out, "  {:<25} {table}", "the table on destroy:");
}

/// How many requests the stage admits at once: its burst limit, read from the template.
pub fn stage_burst(template: &Template) -> u32 {
    template.json()["Resources"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, r)| r["Type"] == "AWS::ApiGateway::Stage")
        .flat_map(|(_, r)| {
            r["Properties"]["MethodSettings"]
                .as_array()
                .into_iter()
                .flatten()
        })
        .filter_map(|setting| setting["ThrottlingBurstLimit"].as_u64())
        .map(|burst| u32::try_from(burst).unwrap_or(u32::MAX))
        .min()
        .unwrap_or(u32::MAX)
}
