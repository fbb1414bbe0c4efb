//! `deploy --dry-run` on a machine with no AWS credentials at all: it synthesizes the stack,
//! prints the plan (the account's checks it would make, who may call the blog) and what a real
//! deploy still needs, changes nothing, and exits 0. The book shows this output.

use std::process::Command;

use crate::support::{address_service, package_dir};

#[tokio::test]
async fn a_dry_run_without_credentials_prints_the_plan_and_exits_0() {
    // The address look-up, answered on loopback with an address from the documentation range.
    let address_from = address_service("200 OK", "203.0.113.7\n").await;
    let home = std::env::temp_dir().join(format!("dry-run-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_deploy"));
    command
        .args(["deploy", "--dry-run", "--address-from", &address_from])
        .arg("--package-dir")
        .arg(package_dir());
    // No credentials, no profile, no ~/.aws, no container builder. The credential chain goes on
    // to the instance metadata service, as on a reader's machine; its failure there is not a
    // profile of theirs that failed.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") || name == "CDK_DOCKER" {
            command.env_remove(name);
        }
    }
    command
        .env("HOME", &home)
        // A docker command that is not there: the machine has no container builder.
        .env("PATH", path_without_docker());
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("run deploy");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "exit {}:\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let shown = stdout
        .lines()
        .skip_while(|line| !line.starts_with("Deploying the serverless blog"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(shown.contains("A deploy still needs:"), "{stdout}");
    assert!(
        shown.contains(
            "Only 203.0.113.7/32 will reach the API and the load balancer\n(your public address"
        ),
        "{stdout}"
    );
    assert!(shown.contains("Your account: not checked"), "{stdout}");
    assert!(shown.contains("credentials:       (none)"), "{stdout}");
    // Between anchors, so the book includes it without the snapshot's header.
    let shown = format!("ANCHOR: plan\n{shown}\nANCHOR_END: plan");
    insta::with_settings!({filters => vec![
        (r"Node\.js:( +)v[0-9.]+", "Node.js:${1}<version>"),
        (r"http://127\.0\.0\.1:[0-9]+/", "https://checkip.amazonaws.com/"),
    ]}, {
        insta::assert_snapshot!(shown);
    });
}

/// `PATH` without the folders that hold a `docker` program.
fn path_without_docker() -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<_> = std::env::split_paths(&path)
        .filter(|folder| !folder.join("docker").exists())
        .collect();
    std::env::join_paths(kept).unwrap()
}
