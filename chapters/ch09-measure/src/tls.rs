//! DynamoDB's TLS, on this machine. Every DynamoDB endpoint on AWS answers over HTTPS, so a
//! function's first call pays a TLS handshake, and a server's first call on each connection does.
//! The harness makes a certificate authority of its own, whose root a function trusts beside
//! Amazon Trust Services' (chapter 2's `AWS_CA_BUNDLE`), and signs a certificate for `localhost`
//! that the front in [`crate::keepalive`] presents.

use std::sync::Arc;

use anyhow::{Context as _, Result};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::aws_lc_rs;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The host name the functions call: the certificate names it, as DynamoDB's names
/// `dynamodb.<region>.amazonaws.com`.
pub const HOST: &str = "localhost";

/// A certificate authority made for one run, and the server side of TLS signed by it.
#[derive(Clone)]
pub struct LocalCa {
    /// The root, as PEM: the one certificate in the trust store the functions get.
    pub root_pem: String,
    /// Accepts TLS with a certificate for [`HOST`] signed by the root.
    pub acceptor: TlsAcceptor,
}

impl std::fmt::Debug for LocalCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalCa").finish_non_exhaustive()
    }
}

// ANCHOR: ca
impl LocalCa {
    /// A new root, and a certificate for [`HOST`] and 127.0.0.1 signed by it.
    pub fn new() -> Result<Self> {
        let root_key = KeyPair::generate().context("a key for the root")?;
        let mut root = CertificateParams::new(Vec::<String>::new())?;
        root.distinguished_name
            .push(DnType::CommonName, "serverless-blog measurements root");
        root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let root_cert = root.self_signed(&root_key).context("the root")?;
        let issuer = Issuer::new(root, root_key);

        let leaf_key = KeyPair::generate().context("a key for the endpoint")?;
        let leaf = CertificateParams::new(vec![HOST.to_owned(), "127.0.0.1".to_owned()])?
            .signed_by(&leaf_key, &issuer)
            .context("the endpoint's certificate")?;

        let chain = vec![
            leaf.der().clone(),
            CertificateDer::from(root_cert.der().to_vec()),
        ];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let config = ServerConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .context("the endpoint's TLS configuration")?;
        Ok(Self {
            root_pem: root_cert.pem(),
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }
}
// ANCHOR_END: ca

#[cfg(test)]
mod tests {
    use std::io::{Read as _, Write as _};

    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use tokio_rustls::TlsConnector;
    use tokio_rustls::rustls::pki_types::ServerName;
    use tokio_rustls::rustls::pki_types::pem::PemObject as _;
    use tokio_rustls::rustls::{ClientConfig, RootCertStore};

    use super::*;
    use crate::keepalive::KeepAliveFront;

    /// An upstream that answers one request per connection and closes it, as moto does.
    fn one_answer_upstream() -> std::net::SocketAddr {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut request = [0u8; 1024];
                let _ = stream.read(&mut request);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                );
            }
        });
        address
    }

    fn client(roots: &[CertificateDer<'static>]) -> TlsConnector {
        let mut store = RootCertStore::empty();
        for root in roots {
            store.add(root.clone()).unwrap();
        }
        let config = ClientConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(store)
            .with_no_client_auth();
        TlsConnector::from(Arc::new(config))
    }

    async fn get_twice(connector: &TlsConnector, port: u16) -> std::io::Result<String> {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        let mut tls = connector
            .connect(ServerName::try_from(HOST).unwrap(), tcp)
            .await?;
        let mut answers = String::new();
        for _ in 0..2 {
            tls.write_all(b"GET / HTTP/1.1\r\nhost: localhost\r\n\r\n")
                .await?;
            let mut answer = vec![0u8; 4096];
            let n = tls.read(&mut answer).await?;
            answers.push_str(&String::from_utf8_lossy(&answer[..n]));
        }
        Ok(answers)
    }

    #[tokio::test]
    async fn a_client_that_trusts_the_root_keeps_one_tls_connection_for_two_calls() {
        let ca = LocalCa::new().unwrap();
        let front = KeepAliveFront::start(one_answer_upstream(), Some(&ca)).unwrap();
        let port: u16 = front.url.rsplit(':').next().unwrap().parse().unwrap();
        assert!(front.url.starts_with("https://localhost:"), "{}", front.url);

        let root = CertificateDer::from_pem_slice(ca.root_pem.as_bytes()).unwrap();
        let answers = get_twice(&client(&[root]), port).await.unwrap();
        assert_eq!(answers.matches("HTTP/1.1 200 OK").count(), 2, "{answers}");

        let refused = get_twice(&client(&[]), port).await;
        assert!(refused.is_err(), "a client without the root must refuse");
    }

    /// The functions' client trusts Amazon Trust Services' roots and nothing else: it refuses
    /// the harness's endpoint until the harness's root is added, as `AWS_CA_BUNDLE` adds it.
    #[tokio::test]
    async fn the_client_refuses_a_root_it_was_not_given() {
        use aws_sdk_dynamodb::error::SdkError;
        use ch02_dynamodb::trust::{AMAZON_TRUST_SERVICES, TrustStore, https_client_trusting};
        let ca = LocalCa::new().unwrap();
        let front = KeepAliveFront::start(one_answer_upstream(), Some(&ca)).unwrap();
        let call = |roots: TrustStore| {
            let config = aws_sdk_dynamodb::Config::builder()
                .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
                .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
                .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
                    "local", "local", None, None, "local",
                ))
                .endpoint_url(&front.url)
                .http_client(https_client_trusting(roots))
                .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
                .build();
            async move {
                aws_sdk_dynamodb::Client::from_conf(config)
                    .list_tables()
                    .send()
                    .await
            }
        };
        let amazon_only = TrustStore::empty().with_pem_certificate(AMAZON_TRUST_SERVICES);
        let refused = call(amazon_only).await.unwrap_err();
        assert!(
            matches!(refused, SdkError::DispatchFailure(_)),
            "the handshake must fail: {refused:?}"
        );
        let with_ours = TrustStore::empty()
            .with_pem_certificate(AMAZON_TRUST_SERVICES)
            .with_pem_certificate(ca.root_pem.clone());
        // The upstream answers `ok`, not DynamoDB's JSON: an error, but one that came back over
        // a connection the client trusted.
        let answered = call(with_ours).await.unwrap_err();
        assert!(
            !matches!(answered, SdkError::DispatchFailure(_)),
            "the handshake must succeed: {answered:?}"
        );
    }
}
