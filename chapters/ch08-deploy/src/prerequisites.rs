//! What a deploy needs before it changes anything: credentials, a region, Node.js for the CDK CLI,
//! and a way to get the container image to AWS. Each missing piece is one message that says what
//! to do.

use std::path::Path;
use std::process::Command;

use aws_config::BehaviorVersion;
use aws_sdk_dynamodb::config::ProvideCredentials as _;

/// What this machine offers a deploy, as probed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// Where the credentials come from (`environment`, `profile`, ...), if any were found.
    pub credentials: Option<String>,
    pub region: Option<String>,
    /// `node --version`, if Node.js runs.
    pub node: Option<String>,
    /// What builds the image asset: `docker`, or the program `CDK_DOCKER` names.
    pub container_builder: Option<String>,
    /// An image already in a registry, given instead of building one (`--container-image`).
    pub container_image: Option<String>,
}

// ANCHOR: missing
/// One thing a deploy still needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub what: &'static str,
    pub how: String,
}

/// Everything `environment` lacks for a real deploy, each with what to do about it.
pub fn missing(environment: &Environment) -> Vec<Missing> {
    let mut missing = Vec::new();
    if environment.credentials.is_none() {
        missing.push(Missing {
            what: "AWS credentials",
            how: "sign in: `aws configure sso` (or `aws configure`), then `export AWS_PROFILE=<name>`; \
                  any source the AWS SDKs read works (environment variables, profiles, SSO)"
                .into(),
        });
    }
    if environment.region.is_none() {
        missing.push(Missing {
            what: "an AWS region",
            how: "`export AWS_REGION=us-east-1` (or set `region` in your profile)".into(),
        });
    }
    if environment.node.is_none() {
        missing.push(Missing {
            what: "Node.js (the CDK CLI runs on it)",
            how: "install Node.js 20 or newer with npm (https://nodejs.org)".into(),
        });
    }
    if environment.container_builder.is_none() && environment.container_image.is_none() {
        missing.push(Missing {
            what: "a container builder for the server's image",
            how: "start Docker (`docker info` must answer), or point `CDK_DOCKER` at a \
                  Docker-compatible CLI (podman, finch), or pass `--container-image <uri>` with an \
                  image already pushed to a registry"
                .into(),
        });
    }
    missing
}
// ANCHOR_END: missing

impl Environment {
    /// Looks at this machine: the AWS SDK's own credential and region chains (no call to AWS is
    /// made for the environment or a profile; single sign-on may refresh its token), `node`, and
    /// `docker info` or `CDK_DOCKER`.
    pub async fn probe(container_image: Option<String>) -> Self {
        let config = aws_config::defaults(BehaviorVersion::latest()).load().await;
        let credentials = match config.credentials_provider() {
            Some(provider) => provider
                .provide_credentials()
                .await
                .ok()
                .map(|credentials| {
                    credentials
                        .account_id()
                        .map(|account| format!("found (account {})", account.as_str()))
                        .unwrap_or_else(|| "found".to_owned())
                }),
            None => None,
        };
        Self {
            credentials,
            region: config.region().map(ToString::to_string),
            node: version_of("node", &["--version"]),
            container_builder: container_builder(),
            container_image,
        }
    }
}

fn version_of(program: &str, args: &[&str]) -> Option<String> {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// `CDK_DOCKER` if it names a program that exists, else `docker` if its daemon answers.
fn container_builder() -> Option<String> {
    if let Some(program) = std::env::var_os("CDK_DOCKER") {
        let found = Path::new(&program).exists()
            || version_of(&program.to_string_lossy(), &["--version"]).is_some();
        return found.then(|| format!("CDK_DOCKER={}", program.to_string_lossy()));
    }
    version_of("docker", &["info", "--format", "{{.ServerVersion}}"])
        .map(|version| format!("docker (server {version})"))
}
