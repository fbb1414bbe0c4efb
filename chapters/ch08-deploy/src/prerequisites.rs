//! What a deploy needs before it changes anything: credentials, a region, Node.js for the CDK CLI,
//! and a way to get the container image to AWS. Each missing piece is one message that says what
//! to do.

use std::fmt;
use std::path::Path;
use std::process::Command;

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::ProvideCredentials as _;
use aws_credential_types::provider::error::CredentialsError;
use aws_runtime::env_config::file::EnvConfigFiles;

/// What the AWS SDK's credential chain found on this machine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Credentials {
    /// Nothing: no variables, no profile.
    #[default]
    None,
    /// Credentials, and the account when the source says it.
    Found { account: Option<String> },
    /// A source was found, but gave no credentials (an SSO session that has expired): why.
    Unusable(String),
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("(none)"),
            Self::Found { account: None } => f.write_str("found"),
            Self::Found {
                account: Some(account),
            } => write!(f, "found (account {account})"),
            Self::Unusable(_) => f.write_str("found, but not usable (see below)"),
        }
    }
}

impl Credentials {
    pub fn is_found(&self) -> bool {
        matches!(self, Self::Found { .. })
    }
}

/// What this machine offers a deploy, as probed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    pub credentials: Credentials,
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
    match &environment.credentials {
        Credentials::Found { .. } => {}
        Credentials::None => missing.push(Missing {
            what: "AWS credentials",
            how: "sign in: `aws configure sso` (or `aws configure`), then `export AWS_PROFILE=<name>`; \
                  any source the AWS SDKs read works (environment variables, profiles, single \
                  sign-on, credential_process)"
                .into(),
        }),
        Credentials::Unusable(why) => missing.push(Missing {
            what: "AWS credentials",
            how: why.clone(),
        }),
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
    /// `docker info` or `CDK_DOCKER`. Returns the SDK's configuration too, for the calls to come.
    pub async fn probe(container_image: Option<String>) -> (Self, SdkConfig) {
        let (credentials, config) = Profiles::from_env().credentials().await;
        let environment = Self {
            credentials,
            region: config.region().map(ToString::to_string),
            node: version_of("node", &["--version"]),
            container_builder: container_builder(),
            container_image,
        };
        (environment, config)
    }
}

/// Where the SDK reads profiles: the usual files (`~/.aws/config`, `AWS_CONFIG_FILE`, ...) unless
/// `files` names others, and the profile `name` (`AWS_PROFILE`), else `default`.
#[derive(Debug, Default)]
pub struct Profiles {
    pub files: Option<EnvConfigFiles>,
    pub name: Option<String>,
}

impl Profiles {
    /// The usual files, and the profile `AWS_PROFILE` names.
    pub fn from_env() -> Self {
        Self {
            files: None,
            name: std::env::var("AWS_PROFILE").ok(),
        }
    }
}

// ANCHOR: credentials
impl Profiles {
    /// What the SDK's credential chain gives, and the configuration it loaded. When the chain
    /// fails, the profile alone says whether a profile was there and failed (an expired single
    /// sign-on session, a credential_process that failed) or there is nothing configured at all.
    pub async fn credentials(&self) -> (Credentials, SdkConfig) {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        let mut profile = ProfileFileCredentialsProvider::builder();
        if let Some(files) = &self.files {
            loader = loader.profile_files(files.clone());
            profile = profile.profile_files(files.clone());
        }
        if let Some(name) = &self.name {
            loader = loader.profile_name(name);
            profile = profile.profile_name(name);
        }
        let config = loader.load().await;
        let Some(chain) = config.credentials_provider() else {
            return (Credentials::None, config);
        };
        let credentials = match chain.provide_credentials().await {
            Ok(found) => Credentials::Found {
                account: found.account_id().map(|id| id.as_str().to_owned()),
            },
            Err(chain_error) => match profile.build().provide_credentials().await {
                // No profile: whatever else the chain tried (the instance metadata service, on a
                // laptop) is not something you configured.
                Err(CredentialsError::CredentialsNotLoaded(_)) => Credentials::None,
                Err(profile_error) => {
                    let name = self.name.as_deref().unwrap_or("default");
                    Credentials::Unusable(format!(
                        "the profile {name} gave no credentials ({}); for single sign-on, run \
                         `aws sso login --profile {name}`",
                        causes(&profile_error)
                    ))
                }
                Ok(_) => Credentials::Unusable(causes(&chain_error)),
            },
        };
        (credentials, config)
    }
}
// ANCHOR_END: credentials

/// An error and its causes, each said once: `a: b: c`.
fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut said: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(err) = next {
        let text = err.to_string();
        if said.last() != Some(&text) {
            said.push(text);
        }
        next = err.source();
    }
    said.join(": ")
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
