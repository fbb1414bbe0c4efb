//! The container image, built from the repository's own Dockerfile with buildah (Debian's
//! package: no daemon, no registry, no network) and checked as ECS will use it: arm64, not root,
//! the server as its entrypoint, small; and it serves `/health`. This machine is x86-64, so the
//! arm64 server runs under qemu's user-mode emulation (Debian's qemu-user-static), bind-mounted
//! into the image's own filesystem: the image itself, not a rebuild for another architecture.

use std::io::Read as _;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const IMAGE: &str = "localhost/blog-server:test";
const QEMU: &str = "/usr/bin/qemu-aarch64-static";

fn package_dir() -> PathBuf {
    std::env::var_os("BLOG_PACKAGE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/package"))
}

/// buildah with its storage under `target/` (the vfs driver needs no kernel support).
fn buildah() -> Command {
    let state = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/buildah");
    let mut command = Command::new("buildah");
    command
        .arg("--root")
        .arg(state.join("root"))
        .arg("--runroot")
        .arg(state.join("run"))
        .args(["--storage-driver", "vfs"]);
    command
}

fn output(command: &mut Command) -> String {
    let output = command.output().unwrap_or_else(|err| {
        panic!(
            "cannot run {command:?} ({err}): the image test needs buildah, skopeo and \
             qemu-user-static (`cargo xtask test` installs them on Debian)"
        )
    });
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn build_image() -> serde_json::Value {
    let context = package_dir().join("image");
    assert!(
        context.join("blog-server").exists(),
        "no {}: `cargo xtask package` stages the image's build context",
        context.display()
    );
    output(
        buildah()
            .args(["build", "--quiet", "--platform", "linux/arm64", "-t", IMAGE])
            .arg(&context),
    );
    serde_json::from_str(&output(
        buildah().args(["inspect", "--type", "image", IMAGE]),
    ))
    .unwrap()
}

/// The bytes a registry stores and a task pulls: the image's layers, compressed, as `buildah
/// push` writes them to an OCI layout and `skopeo` reads its manifest.
fn pushed_size(dir: &Path) -> u64 {
    let _ = std::fs::remove_dir_all(dir);
    output(
        buildah()
            .args(["push", "--quiet", IMAGE])
            .arg(format!("oci:{}:test", dir.display())),
    );
    let manifest: serde_json::Value = serde_json::from_str(&output(
        Command::new("skopeo")
            .args(["inspect", "--raw"])
            .arg(format!("oci:{}:test", dir.display())),
    ))
    .unwrap();
    let layers: u64 = manifest["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|layer| layer["size"].as_u64().unwrap())
        .sum();
    layers + manifest["config"]["size"].as_u64().unwrap()
}

#[test]
fn the_image_is_arm64_not_root_small_and_serves_health() {
    let image = build_image();
    let config = &image["OCIv1"];
    assert_eq!(config["architecture"], "arm64");
    assert_eq!(config["os"], "linux");
    let user = config["config"]["User"].as_str().unwrap_or_default();
    assert!(
        !user.is_empty() && !user.starts_with("0") && !user.starts_with("root"),
        "the image runs as {user:?}"
    );
    assert_eq!(
        config["config"]["Entrypoint"],
        serde_json::json!(["/blog-server"])
    );
    assert!(config["config"]["ExposedPorts"]["8080/tcp"].is_object());

    let oci = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/buildah/oci");
    let compressed = pushed_size(&oci);
    let unpacked = std::fs::metadata(package_dir().join("image/blog-server"))
        .unwrap()
        .len()
        + std::fs::metadata(package_dir().join("image/ca-certificates.crt"))
            .unwrap()
            .len();
    println!("image: {compressed} bytes compressed (pushed), {unpacked} bytes unpacked");
    assert!(unpacked < 15_000_000, "the image is {unpacked} bytes");

    serves_health();
}

/// Runs the image's server once (as the image's user, with the image's environment) and waits
/// for `GET /health` to answer 200.
fn serves_health() {
    let container = output(buildah().args(["from", "--quiet", IMAGE]));
    let container = container.trim().to_owned();
    let port = ch02_dynamodb::local::free_port().unwrap();
    let port_flag = format!("--port={port}");
    let mut server = buildah()
        .args(["run", "--isolation", "chroot", "--network", "host"])
        .arg("--volume")
        .arg(format!("{QEMU}:/qemu:ro"))
        .args([&container, "--", "/qemu", "/blog-server", &port_flag])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("buildah run");
    let deadline = Instant::now() + Duration::from_secs(60);
    let answer = loop {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Write as _;
            stream
                .write_all(b"GET /health HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n")
                .unwrap();
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            break answer;
        }
        if let Some(status) = server.try_wait().unwrap() {
            panic!("the image's server exited with {status} before it answered");
        }
        assert!(
            Instant::now() < deadline,
            "the image's server never listened"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    // Stop the emulated server (found by its own command line, which names its port), as ECS
    // would: SIGTERM. buildah run ends with it.
    let _ = Command::new("pkill")
        .args(["-TERM", "-f", &format!("/qemu /blog-server {port_flag}")])
        .status();
    let _ = server.wait();
    let _ = buildah().args(["rm", &container]).output();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(answer.ends_with(r#"{"status":"ok"}"#), "{answer}");
}
