//! `cargo xtask package`: everything the stack deploys, built once for Graviton (arm64).
//!
//! One `cargo zigbuild` for one target, `aarch64-unknown-linux-musl`, builds the four function
//! binaries and the server: static executables that need no C library, so the same binary runs
//! as a Lambda function on `provided.al2023` and alone in a `FROM scratch` image. Only the
//! function and server packages are built, so Cargo unifies only their features (not those of
//! the whole workspace); chapter 10's one function is a fifth function binary. Then each
//! function becomes `functions/<name>.zip` holding `bootstrap` (chapter 10's `web-adapter` holds
//! the server; the Lambda Web Adapter, built from its own source for the same target at the same
//! time, becomes `layers/lambda-adapter.zip` with `extensions/lambda-adapter`),
//! and the server and its Dockerfile become the image's build context, all under
//! `target/package/`, where the stack (through `openapi.json`) reads them.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};

use crate::process::{cargo, describe, root, run, target_dir};
use crate::tools::{ADAPTER_BINARY, PACKAGING, ensure};

/// The one target everything is built for.
pub const TARGET: &str = "aarch64-unknown-linux-musl";
const SERVER: &str = "blog-server";
/// Chapter 10's function that runs the server through the Lambda Web Adapter.
const WEB_ADAPTER_FUNCTION: &str = "web-adapter";

/// One thing the stack deploys.
#[derive(Debug)]
pub struct Artifact {
    pub name: String,
    /// The file the stack reads (a zip, or the image context's binary).
    pub path: PathBuf,
    pub bytes: u64,
    /// The stripped executable inside it.
    pub binary_bytes: u64,
}

/// What `package` made, and how long the build took.
/// Which Cargo profile builds the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// `release`: what a deploy uploads and chapter 9 measures (fat LTO, one codegen unit).
    Shipping,
    /// `package-check`: the same code for the same target, built in a fraction of the time, for
    /// the tests of the package itself (`cargo xtask test`).
    Check,
}

impl Build {
    pub fn profile(self) -> &'static str {
        match self {
            Build::Shipping => "release",
            Build::Check => "package-check",
        }
    }
}

#[derive(Debug)]
pub struct Package {
    pub functions: Vec<Artifact>,
    /// The Lambda Web Adapter as a layer: `extensions/lambda-adapter`.
    pub adapter_layer: Artifact,
    pub server: Artifact,
    pub image_context: PathBuf,
    pub build_seconds: f64,
    pub build: Build,
}

/// The folder the stack reads: `target/package` (honouring `CARGO_TARGET_DIR`).
pub fn package_dir() -> PathBuf {
    target_dir().join("package")
}

pub fn run_package(build: Build) -> Result<Package> {
    run_package_with(build, None)
}

/// The PATH for cargo-zigbuild: the project's .venv first (PyPI: cargo-zigbuild, ziglang).
fn zigbuild_path() -> Result<std::ffi::OsString> {
    // Only what packaging needs: a deploy installs no test tool.
    let python = ensure(PACKAGING)?;
    let venv_bin = python.parent().context("the venv's bin folder")?;
    Ok(std::env::join_paths(
        std::iter::once(venv_bin.to_path_buf()).chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        )),
    )?)
}

/// Starts the arm64 build of the Lambda Web Adapter ahead of [`run_package_with`], which waits
/// for it: `cargo xtask test` starts it while its tests run, when a core is often idle.
pub fn start_adapter_build(build: Build) -> Result<AdapterBuild> {
    let path = zigbuild_path()?;
    ensure_rust_target(TARGET)?;
    AdapterBuild::start(build, &path)
}

/// [`run_package`], with the adapter's build already started (or not).
pub fn run_package_with(build: Build, adapter: Option<AdapterBuild>) -> Result<Package> {
    let path = zigbuild_path()?;
    ensure_rust_target(TARGET)?;
    let functions = function_names()?;

    let mut command = cargo();
    command
        .args([
            "zigbuild",
            "--profile",
            build.profile(),
            "--locked",
            "--target",
            TARGET,
        ])
        .args(["-p", "ch03-functions"]);
    for name in &functions.each {
        command.args(["--bin", name]);
    }
    command.args(["-p", "ch10-between", "--bin", &functions.one]);
    command.args(["-p", "ch11-streaming", "--bin", &functions.export]);
    command.args(["-p", "ch04-container", "--bin", SERVER]);
    command.env("PATH", &path);
    // The adapter's own build runs beside the workspace's: it has its own target folder, and it
    // keeps the second core busy while the workspace's build links with one (fat LTO).
    let adapter = match adapter {
        Some(adapter) => adapter,
        None => AdapterBuild::start(build, &path)?,
    };
    println!("$ {}", describe(&command));
    let started = Instant::now();
    let built_workspace = run(&mut command);
    let adapter_binary = adapter.finish();
    built_workspace?;
    let adapter_binary = adapter_binary?;
    let build_seconds = started.elapsed().as_secs_f64();

    let built = target_dir().join(TARGET).join(build.profile());
    let out = package_dir();
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(out.join("functions"))?;
    let mut artifacts = Vec::new();
    for name in functions
        .each
        .iter()
        .chain([&functions.one, &functions.export])
    {
        let binary = built.join(name);
        let zip = out.join("functions").join(format!("{name}.zip"));
        zip_bootstrap(&binary, &zip)?;
        artifacts.push(Artifact {
            name: name.clone(),
            bytes: std::fs::metadata(&zip)?.len(),
            binary_bytes: std::fs::metadata(&binary)?.len(),
            path: zip,
        });
    }
    let image_context = out.join("image");
    std::fs::create_dir_all(&image_context)?;
    let server_binary = image_context.join(SERVER);
    std::fs::copy(built.join(SERVER), &server_binary)?;
    std::fs::copy(
        root().join("chapters/ch04-container/Dockerfile"),
        image_context.join("Dockerfile"),
    )?;
    let server_bytes = std::fs::metadata(&server_binary)?.len();

    // Chapter 10's second shape: the same server as a function's `bootstrap`, and the adapter as a
    // layer's extension.
    let web_adapter = out
        .join("functions")
        .join(format!("{WEB_ADAPTER_FUNCTION}.zip"));
    zip_file(&server_binary, "bootstrap", &web_adapter)?;
    artifacts.push(Artifact {
        name: WEB_ADAPTER_FUNCTION.to_owned(),
        bytes: std::fs::metadata(&web_adapter)?.len(),
        binary_bytes: server_bytes,
        path: web_adapter,
    });
    std::fs::create_dir_all(out.join("layers"))?;
    let layer = out.join("layers").join(format!("{ADAPTER_BINARY}.zip"));
    zip_file(
        &adapter_binary,
        &format!("extensions/{ADAPTER_BINARY}"),
        &layer,
    )?;
    let adapter_layer = Artifact {
        name: ADAPTER_BINARY.to_owned(),
        bytes: std::fs::metadata(&layer)?.len(),
        binary_bytes: std::fs::metadata(&adapter_binary)?.len(),
        path: layer,
    };
    let package = Package {
        functions: artifacts,
        adapter_layer,
        server: Artifact {
            name: SERVER.to_owned(),
            path: server_binary,
            bytes: server_bytes,
            binary_bytes: server_bytes,
        },
        image_context,
        build_seconds,
        build,
    };
    write_manifest(&package)?;
    print_summary(&package);
    Ok(package)
}

/// Adds a Rust target with rustup when the toolchain does not have it yet.
fn ensure_rust_target(target: &str) -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("cannot run rustup (packaging cross-compiles with a rustup target)")?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|line| line.trim() == target)
    {
        return Ok(());
    }
    println!("adding the Rust target {target} (once)");
    run(Command::new("rustup").args(["target", "add", target]))
}

/// The functions the stack deploys, by binary name, from the description it reads (`openapi.json`).
pub struct FunctionNames {
    /// Chapter 3's four, one per endpoint (crate `ch03-functions`).
    pub each: Vec<String>,
    /// Chapter 10's one function for every route (crate `ch10-between`).
    pub one: String,
    /// Chapter 11's export, streamed (crate `ch11-streaming`).
    pub export: String,
}

pub fn function_names() -> Result<FunctionNames> {
    let path = root().join("openapi.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let description: serde_json::Value = serde_json::from_str(&text)?;
    let one = description["x-blog-deployment"]["oneFunction"]["name"]
        .as_str()
        .context("openapi.json names no oneFunction")?
        .to_owned();
    let names: Vec<String> = description["x-blog-deployment"]["functions"]["each"]
        .as_array()
        .context("openapi.json lists no functions")?
        .iter()
        .filter_map(|function| function["name"].as_str().map(str::to_owned))
        .collect();
    if names.is_empty() {
        bail!("openapi.json lists no functions");
    }
    let export = description["x-blog-deployment"]["export"]["name"]
        .as_str()
        .context("openapi.json names no export function")?
        .to_owned();
    Ok(FunctionNames {
        each: names,
        one,
        export,
    })
}

/// A Lambda deployment package: one file, `bootstrap`, executable, at the zip's root.
fn zip_bootstrap(binary: &Path, zip_path: &Path) -> Result<()> {
    zip_file(binary, "bootstrap", zip_path)
}

/// A zip of one executable file, at `name` inside it. The date is fixed, so the zip's bytes (and
/// the stack's asset hash) change only with the binary.
fn zip_file(binary: &Path, name: &str, zip_path: &Path) -> Result<()> {
    let bytes =
        std::fs::read(binary).with_context(|| format!("cannot read {}", binary.display()))?;
    let mut zip = zip::ZipWriter::new(File::create(zip_path)?);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o755);
    zip.start_file(name, options)?;
    zip.write_all(&bytes)?;
    zip.finish()?;
    Ok(())
}

/// `target/package/manifest.json`: the sizes and the build time, for later chapters' figures.
fn write_manifest(package: &Package) -> Result<()> {
    let artifact = |artifact: &Artifact| {
        serde_json::json!({
            "name": artifact.name,
            "file": artifact.path.strip_prefix(package_dir()).unwrap_or(&artifact.path),
            "bytes": artifact.bytes,
            "binary_bytes": artifact.binary_bytes,
        })
    };
    let manifest = serde_json::json!({
        "target": TARGET,
        "profile": package.build.profile(),
        "build_seconds": package.build_seconds,
        "functions": package.functions.iter().map(artifact).collect::<Vec<_>>(),
        "layers": [artifact(&package.adapter_layer)],
        "server": artifact(&package.server),
    });
    std::fs::write(
        package_dir().join("manifest.json"),
        serde_json::to_string_pretty(&manifest)? + "\n",
    )?;
    Ok(())
}

fn print_summary(package: &Package) {
    println!(
        "\nPackaged for {TARGET} with the {} profile in {:.0} s (the image's build context: {}):",
        package.build.profile(),
        package.build_seconds,
        package.image_context.display()
    );
    for artifact in package
        .functions
        .iter()
        .chain([&package.adapter_layer, &package.server])
    {
        println!(
            "  {:<14} {:>10} bytes  ({} bytes unzipped)  {}",
            artifact.name,
            artifact.bytes,
            artifact.binary_bytes,
            artifact
                .path
                .strip_prefix(root())
                .unwrap_or(&artifact.path)
                .display()
        );
    }
}

/// The Lambda Web Adapter for [`TARGET`], built with cargo-zigbuild from its source on crates.io
/// (the copy cargo unpacked when it built the adapter for this machine) with its own lockfile, in
/// a target folder of its own, while the workspace's build runs. `Shipping` uses the crate's own
/// release profile (fat LTO, one codegen unit, stripped); `Check` builds it unoptimized, for
/// speed. Its output goes to a log beside it, shown when it fails.
pub struct AdapterBuild {
    child: std::process::Child,
    finished: bool,
    command: String,
    log: PathBuf,
    binary: PathBuf,
}

impl AdapterBuild {
    fn start(build: Build, path: &std::ffi::OsStr) -> Result<Self> {
        let source = crate::tools::adapter_source()?;
        let folder = target_dir()
            .join("adapter")
            .join(format!("{TARGET}-{}", build.profile()));
        std::fs::create_dir_all(&folder)?;
        let log = folder.join("build.log");
        let output = File::create(&log)?;
        let mut command = cargo();
        command
            .args(["zigbuild", "--release", "--locked", "--target", TARGET])
            .args(["--bin", ADAPTER_BINARY])
            .arg("--manifest-path")
            .arg(source.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&folder)
            .env("PATH", path)
            .stdout(output.try_clone()?)
            .stderr(output);
        if build == Build::Check {
            // Unoptimized, as the adapter the local tests run: the tests check what the layer
            // holds (one static arm64 executable where Lambda looks for extensions), not its speed.
            command
                .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
                .env("CARGO_PROFILE_RELEASE_LTO", "off")
                .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256");
        }
        let described = describe(&command);
        println!(
            "$ {described} (beside the build below; its output: {})",
            log.display()
        );
        let child = command
            .spawn()
            .with_context(|| format!("cannot run {described}"))?;
        Ok(Self {
            child,
            finished: false,
            command: described,
            log,
            binary: folder.join(TARGET).join("release").join(ADAPTER_BINARY),
        })
    }

    /// Waits for the build; its binary, or its log in the error.
    fn finish(mut self) -> Result<PathBuf> {
        let status = self.child.wait()?;
        self.finished = true;
        if !status.success() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            bail!("{} failed with {status}:\n{log}", self.command);
        }
        Ok(self.binary.clone())
    }
}

impl Drop for AdapterBuild {
    /// A run that stops before the package stage stops the adapter's build too.
    fn drop(&mut self) {
        if !self.finished {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
