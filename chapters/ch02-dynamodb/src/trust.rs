//! Which certificate authorities the client trusts. DynamoDB's endpoints present certificates
//! from Amazon Trust Services, so the client trusts that CA's five roots, compiled in, instead of
//! reading and parsing the system's bundle of every root at each cold start. `AWS_CA_BUNDLE`
//! names a PEM bundle to trust instead, as it does for the AWS CLI: for an endpoint of your own
//! behind TLS (a local DynamoDB, a proxy).

use aws_sdk_dynamodb::config::SharedHttpClient;
use aws_smithy_http_client::Builder;
pub use aws_smithy_http_client::tls::TrustStore;
use aws_smithy_http_client::tls::{self, TlsContext};

// ANCHOR: trust
/// The variable that names a PEM bundle of roots to trust instead of Amazon Trust Services'.
pub const CA_BUNDLE_ENV: &str = "AWS_CA_BUNDLE";

/// Amazon Root CA 1 to 4 and Starfield Services Root Certificate Authority - G2, as PEM.
pub const AMAZON_TRUST_SERVICES: &str =
    include_str!(concat!(env!("OUT_DIR"), "/amazon-trust-services.pem"));

/// The roots the client trusts: the bundle `AWS_CA_BUNDLE` names, else Amazon Trust Services'.
/// A bundle that cannot be read stops the process at start, with the path and the reason.
pub fn trust_store() -> TrustStore {
    match std::env::var_os(CA_BUNDLE_ENV) {
        Some(path) => match std::fs::read(&path) {
            Ok(pem) => TrustStore::empty().with_pem_certificate(pem),
            Err(err) => panic!("{CA_BUNDLE_ENV}={}: {err}", path.to_string_lossy()),
        },
        None => TrustStore::empty().with_pem_certificate(AMAZON_TRUST_SERVICES),
    }
}

/// The SDK's own HTTPS client (hyper, rustls on aws-lc) with that trust store.
pub fn https_client() -> SharedHttpClient {
    https_client_trusting(trust_store())
}

/// The SDK's own HTTPS client trusting `roots`.
pub fn https_client_trusting(roots: TrustStore) -> SharedHttpClient {
    let context = TlsContext::builder()
        .with_trust_store(roots)
        .build()
        .expect("a trust store of PEM roots is a valid TLS context");
    Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .tls_context(context)
        .build_https()
}
// ANCHOR_END: trust
