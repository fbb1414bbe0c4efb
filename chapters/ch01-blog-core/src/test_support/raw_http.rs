//! A deliberately small HTTP/1.1 client that writes bytes to a socket. The black-box tests use it
//! because they need what well-behaved clients never do: stall halfway through a body, announce
//! a megabyte, or hold a connection open; chapter 5 uses it to record the exact bytes on the wire.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An HTTP response as read off the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    pub status: u16,
    /// The status line and headers exactly as received.
    pub head: String,
    /// Header names in lower case.
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// Parses a response read off the wire.
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
            head: head.to_owned(),
            headers,
            body: raw[split + 4..].to_vec(),
        })
    }
}

/// The head of a request, as `curl` would send it (less its `user-agent` and `accept`).
pub fn request_head(method: &str, target: &str, headers: &[(&str, &str)]) -> String {
    let mut head = format!("{method} {target} HTTP/1.1\r\nhost: localhost\r\n");
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

/// Reads one response: the head, then `content-length` bytes of body (none for 204 and 304;
/// without that header, everything until the server closes the connection).
pub async fn read_response(mut stream: TcpStream) -> std::io::Result<RawResponse> {
    let mut raw = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        if let Some(end) = raw.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            // 204 and 304 never have a body (RFC 9112, section 6.3).
            let bodyless = head.starts_with("http/1.1 204") || head.starts_with("http/1.1 304");
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse::<usize>().ok())
                .or(bodyless.then_some(0));
            if length.is_some_and(|length| raw.len() >= end + 4 + length) {
                raw.truncate(end + 4 + length.unwrap_or_default());
                break;
            }
        }
        match stream.read(&mut buffer).await {
            // A reset after the response (the server closed with unread input) still leaves
            // the response in `raw`.
            Ok(0) | Err(_) => break,
            Ok(read) => raw.extend_from_slice(&buffer[..read]),
        }
    }
    RawResponse::parse(&raw).ok_or_else(|| {
        std::io::Error::other(format!(
            "not an HTTP response: {:?}",
            String::from_utf8_lossy(&raw)
        ))
    })
}
