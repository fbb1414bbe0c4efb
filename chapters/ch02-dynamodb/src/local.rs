//! A real DynamoDB-compatible server on this machine: `moto_server`, started on a free loopback
//! port and stopped when its owner goes away. Tests and the chapter's tour run against it, so no
//! test ever needs an AWS account or reaches AWS.

use std::io::{self, ErrorKind};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::Client;

use crate::{DynamoStore, client::local_client, table::create_table};

/// The launcher the Python interpreter of moto's virtual environment runs: moto's server on the
/// port it is given, and a watcher thread that reads standard input until it closes, which
/// happens when the process that started it exits for any reason (even `SIGKILL`), and then ends
/// the server: no stray servers after a test run. `cargo xtask` starts its shared server with the
/// same file.
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
    /// Starts moto on a free port and waits (up to 30 s) until it accepts connections.
    ///
    /// The Python interpreter is `$MOTO_PYTHON` if set, else the project's `.venv` (which
    /// `cargo xtask setup` creates), else `python3` from `PATH`; it must be able to
    /// `import moto`.
    pub fn start() -> io::Result<Self> {
        let python = python()?;
        let port = free_port()?;
        let log_path = std::env::temp_dir().join(format!("moto-{port}.log"));
        let log = std::fs::File::create(&log_path)?;
        let mut child = Command::new(&python)
            .args(["-c", LAUNCHER, &port.to_string()])
            .stdin(Stdio::piped())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .map_err(|err| {
                io::Error::new(
                    err.kind(),
                    format!("cannot run {}: {err}; {INSTALL}", python.display()),
                )
            })?;
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                break;
            }
            if let Some(status) = child.try_wait()? {
                return Err(io::Error::other(format!(
                    "moto_server exited with {status} before it was ready (see {}); {INSTALL}",
                    log_path.display()
                )));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                return Err(io::Error::new(
                    ErrorKind::TimedOut,
                    format!(
                        "moto_server did not start in 30 s; see {}",
                        log_path.display()
                    ),
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(Self {
            child: Some(child),
            endpoint: format!("http://{address}"),
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
