//! What a deploy says before it changes anything: what it found, what it will do, what the stack
//! costs idle, and what it still needs. `--dry-run` prints this and stops.

use std::fmt::Write as _;

use ch06_infrastructure::prices::idle_cost_per_day;

use crate::cdk::StackOptions;
use crate::prerequisites::{Environment, missing};

/// The text of the plan. `resources` is the count of the synthesized template's resources.
pub fn plan(environment: &Environment, stack: &StackOptions, resources: usize) -> String {
    let mut out = String::new();
    let found = |value: &Option<String>| value.clone().unwrap_or_else(|| "(none)".to_owned());
    writeln!(
        out,
        "Deploying the serverless blog: stack ServerlessBlog, {resources} resources"
    )
    .unwrap();
    writeln!(
        out,
        "  credentials:       {}",
        found(&environment.credentials)
    )
    .unwrap();
    writeln!(out, "  region:            {}", found(&environment.region)).unwrap();
    writeln!(out, "  Node.js:           {}", found(&environment.node)).unwrap();
    match &stack.container_image {
        Some(image) => {
            writeln!(out, "  server image:      {image} (already in a registry)").unwrap()
        }
        None => writeln!(
            out,
            "  image builder:     {}",
            found(&environment.container_builder)
        )
        .unwrap(),
    }
    writeln!(out).unwrap();
    // ANCHOR: public
    match &stack.allowed_cidr {
        None => writeln!(
            out,
            "The API and the load balancer will be public: anyone who finds their URLs can read,\n\
             write and delete posts. To let only your address in, deploy with\n\
             --allowed-cidr <your IPv4 address>/32 (a resource policy on the API, a security\n\
             group rule on the load balancer)."
        )
        .unwrap(),
        Some(cidr) => {
            writeln!(out, "Only {cidr} will reach the API and the load balancer.").unwrap()
        }
    }
    // ANCHOR_END: public
    writeln!(out).unwrap();
    writeln!(out, "Steps:").unwrap();
    for (step, what) in [
        (
            "1. cargo xtask package",
            "the four function zips and the server's image context (done)",
        ),
        (
            "2. npx cdk synth",
            "the template, checked by cdk-nag (done)",
        ),
        (
            "3. npx cdk bootstrap",
            "the CDK's bucket, repository and roles, once per account and region",
        ),
        (
            "4. npx cdk deploy",
            "uploads the zips and the image, creates the stack ServerlessBlog",
        ),
        (
            "5. html/urls.js",
            "written from the stack's outputs FunctionsURL and ContainersURL",
        ),
    ] {
        writeln!(out, "  {step:<24} {what}").unwrap();
    }
    let table = match stack.table_removal.as_deref() {
        Some("retain") => "kept (tableRemoval=retain)",
        _ => "deleted with the stack (--table-removal retain keeps it)",
    };
    writeln!(out, "  {:<24} {table}", "the table on destroy:").unwrap();
    writeln!(out).unwrap();
    let parts = idle_cost_per_day();
    let total: f64 = parts.iter().map(|(_, dollars)| dollars).sum();
    writeln!(
        out,
        "While deployed, the stack costs about ${total:.2} a day with no traffic at all (the load\n\
         balancer, one task and their public IPv4 addresses; the functions cost nothing idle).\n\
         `cargo xtask destroy` removes it."
    )
    .unwrap();
    let missing = missing(environment);
    if !missing.is_empty() {
        writeln!(out, "\nA deploy still needs:").unwrap();
        for need in missing {
            writeln!(out, "  - {}: {}", need.what, need.how).unwrap();
        }
    }
    out
}
