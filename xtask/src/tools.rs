//! The tools the commands need beyond the Rust toolchain, installed on first use and only checked
//! afterwards. A tool that cannot be installed stops the command with what to do instead.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

use crate::process::{cargo, root, run};

/// The mdBook release the book is written for.
pub(crate) const MDBOOK_VERSION: &str = "0.5.4";

/// A Python virtual environment of the project's and the requirements file it is made from.
#[derive(Debug, Clone, Copy)]
pub struct PythonTools {
    /// The venv's name in the workspace root (see [`venv_dir`]).
    pub(crate) venv: &'static str,
    /// The requirements file, in the workspace root.
    pub(crate) requirements: &'static str,
    /// Python code that fails unless the tools are there.
    check: &'static str,
}

/// What packaging needs (zig and cargo-zigbuild), and nothing else: what a deploy installs.
pub const PACKAGING: PythonTools = PythonTools {
    venv: ".venv",
    requirements: "requirements-package.txt",
    check: "import ziglang",
};

/// What the tests need: packaging's tools, moto, schemathesis, cfn-lint (same venv).
pub const TESTING: PythonTools = PythonTools {
    venv: ".venv",
    requirements: "requirements.txt",
    check: "import moto.server, schemathesis, ziglang, cfnlint",
};

/// checkov, in a venv of its own: it pins versions of boto3 and packaging that moto and
/// schemathesis do not want.
pub const CHECKOV: PythonTools = PythonTools {
    venv: ".venv-checkov",
    requirements: "requirements-checkov.txt",
    check: "import checkov",
};

/// Every set of tools, for [`venv_dir`]'s key.
const ALL: [PythonTools; 3] = [PACKAGING, TESTING, CHECKOV];

/// The folder of the tools' venv. `.venv` (or `.venv-checkov`) in the workspace root is what
/// everything names; unless it is a folder of its own (made by hand, or by an older checkout), it
/// is a link to a venv in the user's cache (`~/.cache/serverless-blog/`), named after the
/// contents of every requirements file that installs into it: a second clone on the same machine
/// uses the same venv instead of installing the same tools again, and a changed requirements file
/// makes a new one.
fn venv_dir(tools: PythonTools) -> Result<PathBuf> {
    let link = root().join(tools.venv);
    if link.is_dir() && !link.is_symlink() {
        return Ok(link);
    }
    let mut key = String::new();
    for sharing in ALL.iter().filter(|other| other.venv == tools.venv) {
        key.push_str(sharing.requirements);
        key.push_str(
            &std::fs::read_to_string(root().join(sharing.requirements)).unwrap_or_default(),
        );
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))
        .context("cannot tell where the user's cache is: set XDG_CACHE_HOME or HOME")?
        .join("serverless-blog");
    let venv = cache.join(format!(
        "{}-{:016x}",
        tools.venv.trim_start_matches('.'),
        fnv1a(&key)
    ));
    std::fs::create_dir_all(&cache)
        .with_context(|| format!("cannot create {}", cache.display()))?;
    if std::fs::read_link(&link).ok().as_deref() != Some(venv.as_path()) {
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&venv, &link)
            .with_context(|| format!("cannot link {} to {}", link.display(), venv.display()))?;
    }
    Ok(venv)
}

/// FNV-1a, 64 bits: a name for the requirements' contents that stays the same across Rust
/// releases (std's hasher does not promise to).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The test tools' venv (see [`ensure`]); returns its Python.
pub fn ensure_python_tools() -> Result<PathBuf> {
    ensure(TESTING)
}

/// Creates the venv with the tools of its requirements file on first use (and when the file
/// changes); afterwards only checks that they are there. Returns the venv's Python.
pub fn ensure(tools: PythonTools) -> Result<PathBuf> {
    let requirements = root().join(tools.requirements);
    let wanted = std::fs::read_to_string(&requirements)
        .with_context(|| format!("cannot read {}", requirements.display()))?;
    // A requirements file may include another (`-r requirements-package.txt`): a change to
    // either reinstalls.
    let mut stamp_text = wanted.clone();
    for included in wanted
        .lines()
        .filter_map(|line| line.trim().strip_prefix("-r "))
    {
        stamp_text
            .push_str(&std::fs::read_to_string(root().join(included.trim())).unwrap_or_default());
    }
    let venv = venv_dir(tools)?;
    let python = venv.join("bin/python3");
    let stamp = venv.join(format!("{}.installed", tools.requirements));
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(&stamp_text) {
        println!(
            "the tools of {} are installed in {}",
            tools.requirements,
            venv.display()
        );
        return Ok(python);
    }
    if !python.exists() {
        println!("creating {}", venv.display());
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv)).context(
            "this needs Python 3 with venv (on Debian or Ubuntu: apt-get install python3-venv)",
        )?;
    }
    println!("installing {}", requirements.display());
    run(Command::new(&python)
        .current_dir(root())
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements))?;
    run(Command::new(&python).args(["-c", tools.check]))?;
    std::fs::write(&stamp, stamp_text)
        .with_context(|| format!("cannot write {}", stamp.display()))?;
    Ok(python)
}

/// Uses `mdbook` from `PATH` if it is the pinned release, else installs that release with cargo
/// (about 3 minutes, once).
pub fn ensure_mdbook() -> Result<PathBuf> {
    let wanted = format!("mdbook v{MDBOOK_VERSION}");
    let cargo_bin = cargo_home()?.join("bin/mdbook");
    for candidate in [PathBuf::from("mdbook"), cargo_bin.clone()] {
        let found = Command::new(&candidate)
            .arg("--version")
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned());
        if found.as_deref() == Some(wanted.as_str()) {
            println!("using {wanted}");
            return Ok(candidate);
        }
    }
    println!("installing {wanted} with cargo (takes a few minutes, once)");
    run(cargo().args(["install", "mdbook", "--locked", "--version", MDBOOK_VERSION]))?;
    Ok(cargo_bin)
}

fn cargo_home() -> Result<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .context("cannot tell where cargo installs binaries: set CARGO_HOME")
}

/// Programs the tests need from Debian's packages: where each is, and the package that has it.
pub const DEBIAN_PROGRAMS: [(&str, &str); 5] = [
    // The browser the page's tests drive.
    ("/usr/bin/chromium", "chromium"),
    // Builds the container image from its Dockerfile, with no daemon and no network.
    ("/usr/bin/buildah", "buildah"),
    // Reads the image's configuration.
    ("/usr/bin/skopeo", "skopeo"),
    // Runs the arm64 image's server on this machine, user-mode emulated.
    ("/usr/bin/qemu-aarch64-static", "qemu-user-static"),
    // The load generator chapter 9 measures the server with.
    ("/usr/bin/wrk", "wrk"),
];

/// Installs the missing [`DEBIAN_PROGRAMS`] with apt-get when this is Debian (or Ubuntu) and we
/// are root, as in CI; anywhere else, says what to install.
pub fn ensure_debian_programs() -> Result<()> {
    let missing: Vec<(&str, &str)> = DEBIAN_PROGRAMS
        .into_iter()
        .filter(|(path, _)| !Path::new(path).exists())
        .collect();
    if missing.is_empty() {
        println!("using {}", DEBIAN_PROGRAMS.map(|(path, _)| path).join(", "));
        return Ok(());
    }
    let packages: Vec<&str> = missing.iter().map(|(_, package)| *package).collect();
    let debian = Path::new("/etc/debian_version").exists();
    if !debian || !is_root() {
        bail!(
            "the tests need {}.\n\
             On Debian or Ubuntu: sudo apt-get install {}\n\
             Elsewhere, install them from your system's packages (Chromium at /usr/bin/chromium).",
            missing
                .iter()
                .map(|(path, _)| *path)
                .collect::<Vec<_>>()
                .join(", "),
            packages.join(" ")
        );
    }
    println!("installing {} with apt-get (once)", packages.join(", "));
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq"])
        .args(&packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// `npm ci` in `folder` when the installed packages do not match its lock file.
pub fn ensure_npm_packages(folder: &Path) -> Result<()> {
    let lock_file = folder.join("package-lock.json");
    let lock = std::fs::read(&lock_file)
        .with_context(|| format!("cannot read {}", lock_file.display()))?;
    let stamp = folder.join("node_modules/.installed-lock");
    if std::fs::read(&stamp).ok().as_deref() == Some(&lock[..]) {
        println!("npm packages are installed in {}", folder.display());
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(folder))
    .context("the tests need Node.js 20 or newer with npm")?;
    std::fs::write(&stamp, lock).with_context(|| format!("cannot write {}", stamp.display()))
}

/// The AWS Lambda Web Adapter that chapter 10 runs the container's server with: its crate on
/// crates.io and the release built from it.
pub const ADAPTER_CRATE: &str = "lambda_web_adapter";
pub const ADAPTER_VERSION: &str = "1.0.0-rc1";
/// Its binary's name, which is also the name it registers under as a Lambda extension.
pub const ADAPTER_BINARY: &str = "lambda-adapter";

/// Where [`ensure_adapter`] puts the adapter's binary.
pub fn adapter_binary() -> PathBuf {
    crate::process::target_dir()
        .join("adapter/host/bin")
        .join(ADAPTER_BINARY)
}

/// The adapter built from its source for this machine, for chapter 10's tests and the local demo
/// (`target/adapter/host/bin/lambda-adapter`): built once with its own lockfile (`--locked`) in a
/// target folder of its own, so none of its crates joins the workspace's; afterwards only checked.
/// An unoptimized build (`--debug`): it compiles in a third of the time of the crate's release
/// profile (fat LTO), and what it does locally, translate one request at a time, needs no speed;
/// what is measured or deployed is built apart.
pub fn ensure_adapter() -> Result<PathBuf> {
    install_adapter("host", true, false)
}

/// [`ensure_adapter`] on a thread of its own, its build's output in a log (shown if it fails):
/// `cargo xtask test` builds it while it builds the tests, when a core is often idle.
pub fn ensure_adapter_in_background() -> std::thread::JoinHandle<Result<PathBuf>> {
    std::thread::spawn(|| install_adapter("host", true, true))
}

/// The adapter for this machine with the crate's own release profile, as it ships: what
/// `cargo xtask bench` measures (`target/adapter/host-release/bin/lambda-adapter`).
pub fn ensure_adapter_release() -> Result<PathBuf> {
    install_adapter("host-release", false, false)
}

fn install_adapter(folder: &str, debug: bool, quiet: bool) -> Result<PathBuf> {
    let root = crate::process::target_dir().join("adapter").join(folder);
    let binary = root.join("bin").join(ADAPTER_BINARY);
    let stamp = root.join("version");
    let profile = if debug { "debug" } else { "release" };
    let wanted = format!("{ADAPTER_VERSION} {profile}");
    let built = std::fs::read_to_string(&stamp).unwrap_or_default();
    if binary.is_file() && built.trim() == wanted {
        println!("using {ADAPTER_BINARY} {wanted}");
        return Ok(binary);
    }
    println!("building the Lambda Web Adapter {ADAPTER_VERSION} ({profile}) from crates.io, once");
    let mut command = cargo();
    command
        .args([
            "install",
            ADAPTER_CRATE,
            "--version",
            ADAPTER_VERSION,
            "--locked",
        ])
        // Over any earlier build of the same version.
        .args(["--force", "--bin", ADAPTER_BINARY])
        .arg("--root")
        .arg(&root)
        .arg("--target-dir")
        .arg(
            crate::process::target_dir()
                .join("adapter")
                .join(format!("build-{profile}")),
        );
    if debug {
        command.arg("--debug");
    }
    if quiet {
        std::fs::create_dir_all(&root)?;
        let log = root.join("install.log");
        let output = std::fs::File::create(&log)?;
        command.stdout(output.try_clone()?).stderr(output);
        if let Err(err) = run(&mut command) {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(err.context(log));
        }
    } else {
        run(&mut command)?;
    }
    std::fs::write(&stamp, wanted)?;
    Ok(binary)
}

/// The adapter's source as cargo unpacked it from crates.io (`~/.cargo/registry/src/*/`), for the
/// arm64 build of the package; [`ensure_adapter`] unpacks it when it is not there yet.
pub fn adapter_source() -> Result<PathBuf> {
    let find = || -> Option<PathBuf> {
        let sources = cargo_home().ok()?.join("registry/src");
        std::fs::read_dir(sources)
            .ok()?
            .filter_map(std::result::Result::ok)
            .map(|index| {
                index
                    .path()
                    .join(format!("{ADAPTER_CRATE}-{ADAPTER_VERSION}"))
            })
            .find(|folder| folder.join("Cargo.lock").is_file())
    };
    if let Some(found) = find() {
        return Ok(found);
    }
    // Built before, but its source has since left cargo's cache: build it again, which unpacks it.
    let _ = std::fs::remove_file(crate::process::target_dir().join("adapter/host/version"));
    ensure_adapter()?;
    find().context(
        "cargo built the Lambda Web Adapter but its source is not in ~/.cargo/registry/src",
    )
}
