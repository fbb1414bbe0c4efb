//! What the synthesized template holds, as the chapter 6 page shows it: the resources of each
//! half, and what each role may do. Both tables are generated from the template `cdk synth`
//! wrote (`cargo xtask test` synthesizes it once, before these tests).

use std::fmt::Write as _;

use ch06_infrastructure::template::{Half, Template};

fn template() -> Template {
    Template::load().unwrap_or_else(|err| panic!("{err:#}"))
}

/// A markdown table between anchors, so the book includes it without the snapshot's header.
fn anchored(anchor: &str, table: &str) -> String {
    format!("<!-- ANCHOR: {anchor} -->\n{table}<!-- ANCHOR_END: {anchor} -->\n")
}

#[test]
fn the_resources_of_each_half() {
    let template = template();
    let halves = [
        Half::Functions,
        Half::Containers,
        Half::OneFunction,
        Half::WebAdapter,
        Half::Table,
        Half::Operations,
    ];
    let mut table = format!(
        "| resource type | {} |\n|---|---:|---:|---:|---:|---:|---:|\n",
        halves.map(Half::label).join(" | ")
    );
    let mut totals = [0; 6];
    for (kind, counts) in template.inventory() {
        if kind == "AWS::CDK::Metadata" {
            continue;
        }
        let cells: Vec<String> = halves
            .iter()
            .enumerate()
            .map(|(column, half)| {
                let count = counts.get(half).copied().unwrap_or(0);
                totals[column] += count;
                if count == 0 {
                    String::new()
                } else {
                    count.to_string()
                }
            })
            .collect();
        writeln!(table, "| `{kind}` | {} |", cells.join(" | ")).unwrap();
    }
    writeln!(
        table,
        "| **all** | {} |",
        totals.map(|total| format!("**{total}**")).join(" | ")
    )
    .unwrap();
    // Every resource belongs to one of the halves, or is the CDK's own metadata.
    for resource in template.resources() {
        assert!(
            resource.half() != Half::Other || resource.kind == "AWS::CDK::Metadata",
            "{resource:?} sits under no construct of the stack"
        );
    }
    assert!(
        totals[..4].iter().all(|&total| total > 0) && totals[4] == 1 && totals[5] > 0,
        "{totals:?}"
    );
    insta::assert_snapshot!(anchored("inventory", &table));
    // The totals alone, for a page that needs the count and not the list.
    let totals = format!(
        "| | {} |\n|---|---:|---:|---:|---:|---:|---:|\n| resources | {} |\n",
        halves.map(Half::label).join(" | "),
        totals.map(|total| total.to_string()).join(" | ")
    );
    insta::assert_snapshot!("the_totals_of_each_half", anchored("totals", &totals));
}

#[test]
fn what_each_role_may_do() {
    let template = template();
    let mut table = String::from("| role of | may | on |\n|---|---|---|\n");
    let mut policies: Vec<(String, String)> = template
        .resources()
        .into_iter()
        .filter(|resource| resource.kind == "AWS::IAM::Policy")
        .map(|resource| {
            let who = resource
                .path
                .trim_start_matches("ServerlessBlog/")
                .trim_end_matches("/DefaultPolicy/Resource")
                .to_owned();
            (who, resource.path)
        })
        .collect();
    policies.sort();
    for (who, path) in policies {
        for (actions, resource) in template.statements(&path) {
            let actions: Vec<String> = actions.iter().map(|a| format!("`{a}`")).collect();
            writeln!(table, "| {who} | {} | {resource} |", actions.join(", ")).unwrap();
        }
    }
    assert!(
        !table.contains("dynamodb:*"),
        "a DynamoDB wildcard:\n{table}"
    );
    insta::assert_snapshot!(anchored("permissions", &table));
}
