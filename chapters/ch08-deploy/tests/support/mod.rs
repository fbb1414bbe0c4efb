//! What chapter 8's two test binaries share: moto as an AWS account, the package folder, a stand-in
//! for the address look-up, and an account as the preflight reads it.

use std::path::PathBuf;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use ch02_dynamodb::local::LocalDynamo;
use ch08_deploy::preflight::{
    AccountState, LambdaConcurrency, SERVICE_LINKED_ROLES, SpanDestination,
};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

/// The folder `cargo xtask package` filled: `BLOG_PACKAGE_DIR`, which `cargo xtask test` sets.
pub fn package_dir() -> PathBuf {
    std::env::var_os("BLOG_PACKAGE_DIR").map(PathBuf::from).expect(
        "BLOG_PACKAGE_DIR is not set: these tests deploy what `cargo xtask package` built; run them \
         with `cargo xtask test`",
    )
}

/// An SDK configuration for `moto`, a new account of its own: nothing is set up in it.
pub async fn moto_account(moto: &LocalDynamo) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(moto.endpoint())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::for_tests())
        .load()
        .await
}

/// An account as the preflight would read it, with every service-linked role present.
pub fn account_state(logs_role: Option<&str>) -> AccountState {
    AccountState {
        account: "111122223333".into(),
        region: "eu-west-1".into(),
        api_gateway_logs_role: logs_role.map(str::to_owned),
        service_linked_roles: SERVICE_LINKED_ROLES.iter().map(|r| (*r, true)).collect(),
        lambda_concurrency: Ok(LambdaConcurrency {
            limit: 1000,
            unreserved: 1000,
        }),
        span_destination: Ok(SpanDestination {
            destination: "CloudWatchLogs".into(),
            status: "ACTIVE".into(),
        }),
    }
}

/// A stand-in for checkip.amazonaws.com on loopback: answers every request with `body`, as the
/// real one answers with your address and a newline. Returns its URL.
pub async fn address_service(status: &'static str, body: &'static str) -> String {
    stand_in(status, "text/plain", body).await.0
}

/// A service on loopback that answers every request with `status` and `body`, and hands the test
/// the head of each request it read. Returns its URL and the heads.
pub async fn stand_in(
    status: &'static str,
    content_type: &'static str,
    body: &'static str,
) -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("address"));
    let (heads, received) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let heads = heads.clone();
            tokio::spawn(async move {
                // One request: read its head, answer, close.
                let mut head = Vec::new();
                let mut buffer = [0; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                let _ = heads.send(String::from_utf8_lossy(&head).into_owned());
                let answer = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    (url, received)
}
