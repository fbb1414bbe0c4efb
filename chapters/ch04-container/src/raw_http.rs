//! A deliberately small HTTP/1.1 client that writes bytes to a socket. The black-box tests use it
//! because they need what well-behaved clients never do: stall halfway through a body, announce
//! a megabyte, or hold a connection open.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An HTTP response as read off the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    pub status: u16,
    /// Header names in lower case.
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The body as JSON (`Null` when empty).
    pub fn json(&self) -> serde_json::Value {
        if self.body.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&self.body).expect("a JSON body")
        }
    }

    /// Parses a whole response (the server closed the connection after it).
    pub fn parse(raw: &[u8]) -> Option<Self> {
        let split = raw.windows(4).position(|window| window == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&raw[..split]).ok()?;
        let mut lines = head.split("\r\n");
        let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        Some(Self {
            status,
            headers,
            body: raw[split + 4..].to_vec(),
        })
    }
}

/// The head of a request with `connection: close`, so the response ends when the socket does.
pub fn request_head(method: &str, target: &str, headers: &[(&str, &str)]) -> String {
    let mut head =
        format!("{method} {target} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// Sends one complete request and reads the whole response.
pub async fn send(
    address: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<RawResponse> {
    let length = body.len().to_string();
    let mut all_headers = headers.to_vec();
    all_headers.push(("content-length", &length));
    let mut stream = TcpStream::connect(address).await?;
    stream
        .write_all(request_head(method, target, &all_headers).as_bytes())
        .await?;
    // The server may answer (413) and close before reading it all; that is not our error.
    let _ = stream.write_all(body).await;
    read_response(stream).await
}

/// Reads until the server closes the connection, then parses what came.
pub async fn read_response(mut stream: TcpStream) -> std::io::Result<RawResponse> {
    let mut raw = Vec::new();
    // A reset after the response (the server closed with unread input) still leaves the response.
    let _ = stream.read_to_end(&mut raw).await;
    RawResponse::parse(&raw).ok_or_else(|| {
        std::io::Error::other(format!(
            "not an HTTP response: {:?}",
            String::from_utf8_lossy(&raw)
        ))
    })
}
