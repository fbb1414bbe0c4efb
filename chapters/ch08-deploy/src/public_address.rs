//! Who may call the deployed blog. By default only you: the deploy looks up the public IPv4
//! address your requests come from, and the stack admits that address alone (a resource policy
//! on the API, a security group rule on the load balancer). `--allowed-cidr` names another range;
//! `--public` opens both variants to anyone.

use std::net::Ipv4Addr;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use http_body_util::{BodyExt as _, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// AWS's own service that answers with the IPv4 address a request came from, and nothing else.
pub const CHECKIP_URL: &str = "https://checkip.amazonaws.com/";

/// How long the look-up may take before the deploy says what to do instead.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(10);

/// Who may reach the API and the load balancer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Only this IPv4 range.
    Only { cidr: String, why: String },
    /// Anyone (`--public`).
    Anyone,
}

impl Access {
    /// The range the stack admits, if not everyone.
    pub fn allowed_cidr(&self) -> Option<&str> {
        match self {
            Self::Only { cidr, .. } => Some(cidr),
            Self::Anyone => None,
        }
    }
}

// ANCHOR: look_up
/// Your public IPv4 address as `url` sees it (by default [`CHECKIP_URL`]), as a `/32` range.
pub async fn my_address(url: &str) -> Result<String> {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .context("cannot read this machine's CA certificates")?
        .https_or_http()
        .enable_http1()
        .build();
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build(connector);
    let uri: hyper::Uri = url.parse().with_context(|| format!("{url} is not a URL"))?;
    let response = tokio::time::timeout(LOOKUP_TIMEOUT, client.get(uri))
        .await
        .with_context(|| format!("{url} did not answer within {LOOKUP_TIMEOUT:?}"))?
        .with_context(|| format!("cannot reach {url}"))?;
    if !response.status().is_success() {
        bail!("{url} answered {}", response.status());
    }
    let body = tokio::time::timeout(LOOKUP_TIMEOUT, response.into_body().collect())
        .await
        .with_context(|| format!("{url} did not finish its answer"))?
        .with_context(|| format!("cannot read the answer of {url}"))?
        .to_bytes();
    let text = String::from_utf8_lossy(&body);
    let address: Ipv4Addr = text
        .trim()
        .parse()
        .with_context(|| format!("{url} answered {:?}, not an IPv4 address", text.trim()))?;
    Ok(format!("{address}/32"))
}
// ANCHOR_END: look_up

/// Decides who may call the blog from the options: a range given, `--public`, or your address
/// looked up at `lookup_url`.
pub async fn decide(
    allowed_cidr: Option<String>,
    public: bool,
    lookup_url: &str,
) -> Result<Access> {
    match (allowed_cidr, public) {
        (Some(_), true) => bail!("--allowed-cidr and --public contradict each other: choose one"),
        (Some(cidr), false) => Ok(Access::Only {
            cidr,
            why: "--allowed-cidr".to_owned(),
        }),
        (None, true) => Ok(Access::Anyone),
        (None, false) => {
            let cidr = my_address(lookup_url).await.with_context(|| {
                "cannot look up your public address, which the blog admits by default; \
                 pass --allowed-cidr <your address>/32, or --public to open it to anyone"
            })?;
            Ok(Access::Only {
                cidr,
                why: format!("your public address, as {lookup_url} sees it"),
            })
        }
    }
}
