//! The server's configuration: flags, each also read from an environment variable, which is how
//! an ECS task definition passes settings to a container.

use std::net::IpAddr;
use std::time::Duration;

use ch02_dynamodb::StoreChoice;
use clap::Parser;

/// The port the server listens on unless told otherwise; the image and the stack use it too.
pub const DEFAULT_PORT: u16 = 8080;

/// What `blog-server` prints on standard output once it listens (the tests and chapter 7's
/// demo read the URL from it; the stack's `ContainersURL` output has the same shape).
pub fn startup_line(address: std::net::SocketAddr) -> String {
    format!("ContainersURL: http://{address}/\n")
}
/// Seconds in-flight requests get after SIGTERM (see `shutdown_grace_secs`).
pub const DEFAULT_SHUTDOWN_GRACE_SECS: u64 = 20;
/// Seconds a client may take to send its body (see `body_timeout_secs`).
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 10;
/// Seconds an idle connection is kept (see `idle_timeout_secs`).
pub const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 75;

// ANCHOR: config
/// The blog API as one HTTP server, for a container on AWS Fargate (or your machine).
///
/// DynamoDB (with --store dynamodb) is configured like every AWS SDK: TABLE_NAME (default
/// ServerlessBlog), AWS_REGION, credentials from the environment or the task role, and
/// AWS_ENDPOINT_URL_DYNAMODB for a local DynamoDB-compatible server.
#[derive(Debug, Clone, Parser)]
#[command(name = "blog-server", version)]
pub struct Config {
    /// Address to listen on. The image sets 0.0.0.0 so the load balancer can reach the task;
    /// the default keeps a server on your machine private to it.
    #[arg(long, env = "HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,

    /// Port to listen on; 0 picks a free one (the chosen address is printed).
    #[arg(long, env = "PORT", default_value_t = DEFAULT_PORT)]
    pub port: u16,

    /// Where posts live: memory (lost on exit, one per process) or dynamodb.
    #[arg(long, env = StoreChoice::ENV, default_value = "memory")]
    pub store: StoreChoice,

    /// Seconds a client may take to send a request body before it gets 408.
    #[arg(long, env = "BODY_TIMEOUT_SECS", default_value_t = DEFAULT_BODY_TIMEOUT_SECS)]
    pub body_timeout_secs: u64,

    /// Seconds a connection may sit idle (or take to send its headers) before it is closed.
    /// Keep it above the load balancer's idle timeout (60 s by default), or the load balancer
    /// may reuse a connection the server has just closed and answer 502.
    #[arg(long, env = "IDLE_TIMEOUT_SECS", default_value_t = DEFAULT_IDLE_TIMEOUT_SECS)]
    pub idle_timeout_secs: u64,

    /// Seconds in-flight requests get to finish after SIGTERM. ECS sends SIGKILL 30 s after
    /// SIGTERM (the task's stopTimeout), so this stays below that.
    #[arg(long, env = "SHUTDOWN_GRACE_SECS", default_value_t = DEFAULT_SHUTDOWN_GRACE_SECS)]
    pub shutdown_grace_secs: u64,
}
// ANCHOR_END: config

impl Config {
    pub fn body_timeout(&self) -> Duration {
        Duration::from_secs(self.body_timeout_secs)
    }

    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_secs)
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }
}
