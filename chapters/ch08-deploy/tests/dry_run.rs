//! `deploy --dry-run` on a machine with no AWS credentials at all: it synthesizes the stack,
//! prints the plan and what a real deploy still needs, changes nothing, and exits 0. The book
//! shows this output. (It needs `cargo xtask package` first, which `cargo xtask test` runs.)

use std::process::Command;

#[test]
fn a_dry_run_without_credentials_prints_the_plan_and_exits_0() {
    let home = std::env::temp_dir().join(format!("dry-run-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_deploy"));
    command.args(["deploy", "--dry-run"]);
    if let Some(package) = std::env::var_os("BLOG_PACKAGE_DIR") {
        command.arg("--package-dir").arg(package);
    }
    // No credentials, no profile, no ~/.aws, no instance metadata, no container builder.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") || name == "CDK_DOCKER" {
            command.env_remove(name);
        }
    }
    let output = command
        .env("HOME", &home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        // A docker command that is not there: the machine has no container builder.
        .env("PATH", path_without_docker())
        .output()
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
    // Between anchors, so the book includes it without the snapshot's header.
    let shown = format!("ANCHOR: plan\n{shown}\nANCHOR_END: plan");
    insta::with_settings!({filters => vec![(r"Node\.js:( +)v[0-9.]+", "Node.js:${1}<version>")]}, {
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
