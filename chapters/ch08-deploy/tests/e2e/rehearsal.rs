//! The deploy, rehearsed on moto: the same synth, bootstrap, deploy and `urls.js` as a real
//! deploy, with moto's server as the AWS endpoint. What it proves: the stack deploys through the
//! CDK CLI's real path (asset upload to S3, CloudFormation), the outputs reach `urls.js` in the
//! original's shape, the table has chapter 2's keys and index, and the functions name it. What it
//! cannot prove: anything about resources moto does not model (listed below: each has a rule of
//! what real AWS requires, checked on the template), and nothing runs (moto invokes no function
//! and starts no task).

use std::path::PathBuf;

use ch02_dynamodb::local::LocalDynamo;
use ch08_deploy::cdk::{Cdk, LogsRole, StackOptions, workspace};
use ch08_deploy::fresh_account::{problems, requirement_for};
use ch08_deploy::outputs::{OPTIONAL_OUTPUT_KEYS, OUTPUT_KEYS, urls};
use ch08_deploy::record::DeploymentRecord;
use ch08_deploy::rehearsal::PLACEHOLDER_IMAGE;
use ch08_deploy::{Deploy, logs_role_for, preflight};
use serde_json::Value;

use crate::support::{moto_account, package_dir};

#[tokio::test(flavor = "multi_thread")]
async fn the_deploy_rehearsed_on_moto() {
    let moto = LocalDynamo::start().expect("start moto_server");
    let endpoint = moto.endpoint().to_owned();
    let port = endpoint.rsplit(':').next().unwrap();
    // An access key of its own: the CDK CLI caches the account it found per access key.
    let key = format!("rehearsal{}", std::process::id());
    let env = [
        ("AWS_ENDPOINT_URL", endpoint.clone()),
        // The CLI hands CloudFormation an S3 URL for the template; moto reads 127.0.0.1 there as
        // a bucket name, so this one says localhost.
        (
            "AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION",
            format!("http://localhost:{port}"),
        ),
        ("AWS_ACCESS_KEY_ID", key),
        ("AWS_SECRET_ACCESS_KEY", "rehearsal".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_DEFAULT_REGION", "us-east-1".into()),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
    ]
    .map(|(name, value)| (name.to_owned(), value));
    let work = package_dir().with_file_name("rehearsal");
    let _ = std::fs::remove_dir_all(&work);
    // The same account, as the deploy program's own AWS calls see it.
    let aws = moto_account(&moto).await;
    let account = preflight::check(&aws).await.expect("the preflight");
    assert_eq!(
        account.missing_roles().len(),
        2,
        "a new account has no service-linked roles"
    );
    let deploy = Deploy {
        cdk: Cdk::isolated(env.to_vec()),
        stack: StackOptions {
            package_dir: package_dir(),
            container_image: Some(PLACEHOLDER_IMAGE.to_owned()),
            logs_role: logs_role_for(Some(&account)),
            ..StackOptions::default()
        },
        work_dir: work.clone(),
        page_dir: work.join("html"),
        rehearsal: true,
    };
    assert_eq!(
        deploy.stack.logs_role,
        LogsRole::Stack,
        "a new account has no logs role"
    );
    // What the plan says of a new account, as the book shows it (moto has no Lambda account
    // settings: that read fails, and the line says so).
    let shown = format!(
        "ANCHOR: account\n{}ANCHOR_END: account",
        preflight::describe(&account, 100)
    );
    insta::with_settings!({filters => vec![(r"not read \(.*\); a new", "not read (<moto: no such operation>); a new")]}, {
        insta::assert_snapshot!("a_new_account", shown);
    });
    let template = {
        let deploy = deploy.clone();
        tokio::task::spawn_blocking(move || deploy.synth())
            .await
            .unwrap()
            .expect("synth")
    };
    let deployed = deploy
        .deploy(&aws, &account, template, |diff| {
            panic!("a first deploy has no stack to compare with, yet it showed a diff:\n{diff}")
        })
        .await
        .expect("deploy to moto");

    // One synth, and every later command reads its assembly: none runs the app again without
    // the deploy's context.
    let assembly = deploy.assembly().display().to_string();
    let ran = deploy.cdk.commands_run();
    assert_eq!(
        ran.iter()
            .filter(|c| c.starts_with("npx cdk synth"))
            .count(),
        1,
        "{ran:#?}"
    );
    for command in ran.iter().filter(|c| !c.starts_with("npx cdk synth")) {
        assert!(
            command.contains(&format!("--app {assembly}")),
            "{command} does not read the assembly"
        );
    }
    assert!(
        ran.iter().any(|c| c.starts_with("npx cdk bootstrap")),
        "{ran:#?}"
    );
    // The book shows the commands, with the folders of this machine named for what they are.
    let work_dir = work.display().to_string();
    let package = package_dir().display().to_string();
    let shown = ran
        .iter()
        .map(|command| {
            format!("$ {command}")
                .replace(&assembly, "<assembly>")
                .replace(&work_dir, "<work folder>")
                .replace(&package, "<package folder>")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let commands = format!("ANCHOR: commands\n{shown}\nANCHOR_END: commands");
    insta::assert_snapshot!("the_cdk_commands", commands);

    // The account was prepared, and the deploy recorded where it went.
    assert_eq!(deployed.created_roles.len(), 2);
    assert_eq!(preflight::check(&aws).await.unwrap().missing_roles(), []);
    let record = DeploymentRecord::read(&deploy.record_path())
        .unwrap()
        .expect("a record");
    assert_eq!(
        (record.region.as_str(), record.account.as_str()),
        ("us-east-1", account.account.as_str())
    );
    assert!(record.logs_role_set_by_stack);

    // The outputs, and urls.js in the original's shape.
    let urls = urls(&deployed.outputs).expect("every output");
    // Every output, the two other doors' too (the rehearsal sets no allowedCidr).
    assert_eq!(urls.len(), OUTPUT_KEYS.len() + OPTIONAL_OUTPUT_KEYS.len());
    let array = deployed
        .urls_js
        .split_once("window.BLOG_URLS = ")
        .and_then(|(_, rest)| rest.trim().strip_suffix(';'))
        .unwrap();
    let array: Value = serde_json::from_str(array).unwrap();
    for (entry, (key, url)) in array.as_array().unwrap().iter().zip(&urls) {
        assert_eq!(entry["OutputKey"], key.as_str());
        assert_eq!(entry["OutputValue"], url.as_str());
        assert!(entry["Description"].as_str().is_some_and(|d| !d.is_empty()));
    }

    // What moto created, resource by resource, asked of each resource's own service.
    let python = std::env::var_os("MOTO_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join(".venv/bin/python3"));
    let output = std::process::Command::new(python)
        .arg(workspace().join("chapters/ch08-deploy/rehearsal/created.py"))
        .arg(&endpoint)
        .arg("ServerlessBlog")
        .arg(deploy.template_path())
        .output()
        .expect("run created.py");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let created: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(created["stack_status"], "CREATE_COMPLETE");

    // The deployed table has chapter 2's keys and feed index.
    let table = &created["table"];
    assert_eq!(
        table["key_schema"],
        serde_json::json!([{"AttributeName": ch02_dynamodb::table::ID, "KeyType": "HASH"}])
    );
    assert_eq!(
        table["indexes"][0]["name"],
        ch02_dynamodb::table::FEED_INDEX
    );
    assert_eq!(
        table["indexes"][0]["key_schema"],
        serde_json::json!([
            {"AttributeName": ch02_dynamodb::table::FEED, "KeyType": "HASH"},
            {"AttributeName": ch02_dynamodb::table::FEED_POSITION, "KeyType": "RANGE"},
        ])
    );
    assert_eq!(table["indexes"][0]["projection"], "ALL");

    // Every function (the four, chapter 10's two and chapter 11's export) runs on the DynamoDB store
    // and names that table.
    let environments = created["function_environments"].as_object().unwrap();
    assert_eq!(environments.len(), 7);
    for (function, variables) in environments {
        assert_eq!(variables["TABLE_NAME"], table["name"], "{function}");
        assert_eq!(variables["BLOG_STORE"], "dynamodb", "{function}");
    }

    // Each type moto skipped has a rule of what real AWS requires of it, and the template meets it.
    for skipped in skipped_types(&created) {
        assert!(
            requirement_for(&skipped).is_some(),
            "moto skipped {skipped}: add a rule to fresh_account::REQUIREMENTS with what real AWS requires of it"
        );
    }
    assert_eq!(
        problems(deployed.template.json(), Some(&account)),
        Vec::<String>::new()
    );

    // The book's list: what moto made of the template, by type.
    insta::assert_snapshot!(created_by_type(&created));

    // ANCHOR: diff_test
    // Deploying the same stack again would change nothing, and the diff says so; a changed stack
    // (here, with an e-mail address for chapter 12's alarms) shows what it adds before a deploy
    // applies it.
    let unchanged = deploy.diff().expect("cdk diff on the deployed stack");
    assert!(
        unchanged.contains("There were no differences"),
        "{unchanged}"
    );
    let changed = Deploy {
        stack: StackOptions {
            alarm_email: Some("oncall@example.com".to_owned()),
            ..deploy.stack.clone()
        },
        ..deploy.clone()
    };
    changed.synth().expect("synth with an alarm e-mail");
    let diff = changed.diff().expect("cdk diff of the change");
    assert!(diff.contains("[+] AWS::SNS::Subscription"), "{diff}");
    assert!(
        !diff.contains("[-]"),
        "adding an e-mail removes nothing: {diff}"
    );
    // ANCHOR_END: diff_test
    // The book shows the diff from its first line (Node.js may warn before it), the account
    // named for what it is.
    let from = diff
        .find("Stack ServerlessBlog")
        .expect("the diff names the stack");
    let shown = diff[from..]
        .replace(account.account.as_str(), "<account>")
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let anchored = format!("ANCHOR: diff\n{shown}\nANCHOR_END: diff");
    insta::assert_snapshot!("the_diff_of_a_change", anchored);
}

/// The resource types of which moto created fewer than the template declares.
fn skipped_types(created: &Value) -> std::collections::BTreeSet<String> {
    created["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|resource| resource["found"] != true)
        .map(|resource| resource["type"].as_str().unwrap().to_owned())
        .collect()
}

/// A markdown table between anchors: each resource type of the template, how many, and how many
/// moto really created.
fn created_by_type(created: &Value) -> String {
    let mut by_type: std::collections::BTreeMap<String, (usize, usize, String)> =
        Default::default();
    for resource in created["resources"].as_array().unwrap() {
        let entry = by_type
            .entry(resource["type"].as_str().unwrap().to_owned())
            .or_insert((0, 0, resource["how"].as_str().unwrap().to_owned()));
        entry.0 += 1;
        if resource["found"] == true {
            entry.1 += 1;
        }
    }
    let mut table = String::from(
        "<!-- ANCHOR: created -->\n| resource type | in the template | created by moto | asked with |\n|---|---:|---:|---|\n",
    );
    let (mut total, mut found) = (0, 0);
    for (kind, (count, made, how)) in &by_type {
        total += count;
        found += made;
        let made = if made == count {
            made.to_string()
        } else {
            format!("**{made}**")
        };
        table.push_str(&format!("| `{kind}` | {count} | {made} | {how} |\n"));
    }
    table.push_str(&format!(
        "| **all** | **{total}** | **{found}** | |\n<!-- ANCHOR_END: created -->\n"
    ));
    table
}
