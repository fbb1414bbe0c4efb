//! A real DynamoDB-compatible server on this machine: `moto_server`, started on a free loopback
//! port and stopped when its owner goes away. Tests and the chapter's tour run against it, so no
//! test ever needs an AWS account or reaches AWS.

use std::io::{self, BufRead as _, BufReader};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_sdk_dynamodb::Client;

use crate::{DynamoStore, client::local_client, table::create_table};

/// The launcher the Python interpreter of moto's virtual environment runs: moto's server on a
/// loopback port the OS picks, printed as its first line once moto listens, then a read of
/// standard input until it closes, which happens when the process that started it exits for any
/// reason (even `SIGKILL`), and then the end of the server: no stray servers after a test run.
/// `cargo xtask` starts its shared server with the same file.
pub const LAUNCHER: &str = include_str!("moto_launcher.py");

/// The variable that names a moto server already running for the whole test run (`cargo xtask
/// check` and `test` start one and set it), which [`LocalDynamo::shared`] then uses instead of
/// starting its own.
pub const SHARED_ENDPOINT_VAR: &str = "BLOG_MOTO_ENDPOINT";

/// What to do when moto cannot start: the tier that installs it.
const INSTALL: &str =
    "run `cargo xtask check`, which installs moto into .venv and runs these tests";

/// A running `moto_server`.
#[derive(Debug)]
pub struct LocalDynamo {
    /// The server, when this value started it (`None` for the run's shared one).
    child: Option<Child>,
    endpoint: String,
}

impl LocalDynamo {
    /// Starts moto on a port the OS picks and returns once it listens: the launcher's first line
    /// is the port, printed after moto has bound it (no port is chosen here and taken by another
    /// process before moto binds it).
    ///
    /// The Python interpreter is `$MOTO_PYTHON` if set, else the project's `.venv` (which
    /// `cargo xtask setup` creates), else `python3` from `PATH`; it must be able to
    /// `import moto`.
    pub fn start() -> io::Result<Self> {
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let python = python()?;
        let log_path = std::env::temp_dir().join(format!(
            "moto-{}-{}.log",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::Relaxed)
        ));
        let log = std::fs::File::create(&log_path)?;
        let mut child = Command::new(&python)
            .args(["-c", LAUNCHER])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|err| {
                io::Error::new(
                    err.kind(),
                    format!("cannot run {}: {err}; {INSTALL}", python.display()),
                )
            })?;
        let mut first_line = String::new();
        BufReader::new(child.stdout.take().expect("piped")).read_line(&mut first_line)?;
        let Ok(port) = first_line.trim().parse::<u16>() else {
            let _ = child.kill();
            let status = child.wait()?;
            return Err(io::Error::other(format!(
                "moto_server exited with {status} before it was ready (see {}); {INSTALL}",
                log_path.display()
            )));
        };
        Ok(Self {
            child: Some(child),
            endpoint: format!("http://{}", SocketAddr::from((Ipv4Addr::LOCALHOST, port))),
        })
    }

    /// One server shared by every test: the run's own if `$BLOG_MOTO_ENDPOINT` names one (tests
    /// that share it each use tables of their own), else one for this process, started on first
    /// use, which stops when the process exits (see [`LAUNCHER`]).
    pub fn shared() -> &'static LocalDynamo {
        static SHARED: OnceLock<LocalDynamo> = OnceLock::new();
        SHARED.get_or_init(|| {
            if let Some(endpoint) = std::env::var_os(SHARED_ENDPOINT_VAR) {
                return Self {
                    child: None,
                    endpoint: endpoint.to_string_lossy().into_owned(),
                };
            }
            Self::start().unwrap_or_else(|err| {
                panic!("cannot start moto_server, the local DynamoDB these tests need: {err}")
            })
        })
    }

    /// `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_DYNAMODB`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The environment that makes a process (a function, the server, `from_env`) use this
    /// server as its DynamoDB: the endpoint override, a region, dummy credentials, and nothing
    /// read from a developer's `~/.aws` files or asked of the EC2 metadata service.
    pub fn aws_env(&self) -> [(&'static str, &str); 7] {
        [
            ("AWS_ENDPOINT_URL_DYNAMODB", &self.endpoint),
            // moto keeps one set of tables per region; `client()` uses us-east-1 too.
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "local"),
            ("AWS_SECRET_ACCESS_KEY", "local"),
            ("AWS_CONFIG_FILE", "/dev/null"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]
    }

    /// A client for this server with dummy credentials.
    pub fn client(&self) -> Client {
        local_client(&self.endpoint)
    }

    /// A store on a new, empty table with a unique name, so tests never see each other's posts.
    pub async fn fresh_store(&self) -> DynamoStore {
        let table = format!("test-{}", uuid::Uuid::new_v4());
        let client = self.client();
        create_table(&client, &table)
            .await
            .expect("create a table on the local server");
        DynamoStore::new(client, table)
    }
}

impl Drop for LocalDynamo {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn python() -> io::Result<PathBuf> {
    if let Some(path) = std::env::var_os("MOTO_PYTHON") {
        return Ok(PathBuf::from(path));
    }
    // chapters/ch02-dynamodb -> the workspace root.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let venv = root.join(".venv/bin/python3");
    if venv.exists() {
        return Ok(venv);
    }
    Ok(PathBuf::from("python3"))
}

/// A loopback port the OS says is free right now: nothing listens on it, so a connection to it
/// is refused. Another process could take it before it is used; on a test machine that is rare
/// (moto then fails to start with a clear log).
pub fn free_port() -> io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}
