//! The tools the commands need beyond the Rust toolchain, installed on first use and only checked
//! afterwards. A tool that cannot be installed stops the command with what to do instead.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

use crate::process::{cargo, root, run};

/// The mdBook release the book is written for.
const MDBOOK_VERSION: &str = "0.5.4";

/// Creates `.venv` with the tools of `requirements.txt` on first use (and when the file
/// changes); afterwards only checks that they are there. Returns the venv's Python.
pub fn ensure_python_tools() -> Result<PathBuf> {
    let requirements = root().join("requirements.txt");
    let wanted = std::fs::read_to_string(&requirements)
        .with_context(|| format!("cannot read {}", requirements.display()))?;
    let venv = root().join(".venv");
    let python = venv.join("bin/python3");
    let stamp = venv.join("requirements.installed");
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(&wanted) {
        println!("the Python tools are installed in {}", venv.display());
        return Ok(python);
    }
    if !python.exists() {
        println!("creating {}", venv.display());
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv)).context(
            "the tests need Python 3 with venv (on Debian or Ubuntu: apt-get install python3-venv)",
        )?;
    }
    println!("installing {}", requirements.display());
    run(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements))?;
    run(Command::new(&python).args(["-c", "import moto.server, schemathesis"]))?;
    std::fs::write(&stamp, wanted).with_context(|| format!("cannot write {}", stamp.display()))?;
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

/// Installs Debian's Chromium with apt-get when it is missing and this is Debian (or Ubuntu)
/// and we are root, as in CI; anywhere else, says what to install.
pub fn ensure_chromium() -> Result<()> {
    const CHROMIUM: &str = "/usr/bin/chromium";
    if Path::new(CHROMIUM).exists() {
        println!("using {CHROMIUM}");
        return Ok(());
    }
    let debian = Path::new("/etc/debian_version").exists();
    if !debian || !is_root() {
        bail!(
            "the browser tests need Chromium at {CHROMIUM}.\n\
             On Debian or Ubuntu: sudo apt-get install chromium\n\
             Elsewhere, install Chromium and link its executable to {CHROMIUM}."
        );
    }
    println!("installing Debian's chromium with apt-get (once)");
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get").args(["install", "-y", "-qq", "chromium"]))
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
