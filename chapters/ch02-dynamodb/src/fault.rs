//! A fault-injecting proxy between a DynamoDB client and a DynamoDB-compatible server, for
//! tests: it passes requests through, or refuses connections, cuts them, stalls, answers as a
//! throttled DynamoDB would, answers garbage, or lets a request reach the server and drops the
//! answer (a write that happened, whose client never heard). Stopping moto instead would lose
//! its tables; the proxy changes its behaviour and the tables stay.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

// ANCHOR: fault
/// What the proxy does with the next requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Pass everything through.
    None,
    /// Nothing listens: connections are refused.
    Refuse,
    /// Accept the connection, read the request, close without answering.
    Cut,
    /// Accept and read the request, then never answer.
    Stall,
    /// Answer `400 ThrottlingException`, as DynamoDB does when a table is throttled.
    Throttle,
    /// Answer `200` with a body that is not DynamoDB's JSON.
    Garbage,
    /// Pass the request to the server, and close the client's connection instead of giving it
    /// the answer: the request took effect and its client cannot know.
    DropAnswer,
    /// [`Fault::DropAnswer`] once, then [`Fault::None`]: the first attempt's answer is lost and
    /// the client's retry goes through.
    DropOneAnswer,
}
// ANCHOR_END: fault

/// The proxy: listens on a loopback port, forwards to `upstream`.
#[derive(Debug)]
pub struct FaultProxy {
    port: u16,
    fault: Arc<watch::Sender<Fault>>,
    forwarded: Arc<AtomicU64>,
    later: Later,
}

/// A fault to switch to once so many requests have reached the server.
type Later = Arc<std::sync::Mutex<Option<(u64, Fault)>>>;

impl FaultProxy {
    /// Starts the proxy in front of `upstream` (`http://127.0.0.1:<port>`), passing everything.
    pub async fn start(upstream: &str) -> std::io::Result<Self> {
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let (fault, watching) = watch::channel(Fault::None);
        let fault = Arc::new(fault);
        let forwarded = Arc::new(AtomicU64::new(0));
        let later = Later::default();
        tokio::spawn(accept_loop(
            listener,
            port,
            upstream,
            (Arc::clone(&fault), watching, Arc::clone(&later)),
            Arc::clone(&forwarded),
        ));
        Ok(Self {
            port,
            fault,
            forwarded,
            later,
        })
    }

    /// `http://127.0.0.1:<port>`: the endpoint to give the client.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// From now on, do this. Switching away from [`Fault::Refuse`] listens again.
    pub fn set(&self, fault: Fault) {
        *self.later.lock().expect("not poisoned") = None;
        self.fault.send_replace(fault);
    }

    /// Passes the next `requests` requests through, then does `fault`: a store that fails in
    /// the middle of a sequence of reads, at a request the test chooses.
    pub fn set_after(&self, requests: u64, fault: Fault) {
        self.fault.send_replace(Fault::None);
        *self.later.lock().expect("not poisoned") = Some((self.forwarded() + requests, fault));
    }

    /// How many requests reached the server so far.
    pub fn forwarded(&self) -> u64 {
        self.forwarded.load(Ordering::SeqCst)
    }
}

async fn accept_loop(
    mut listener: TcpListener,
    port: u16,
    upstream: String,
    (setter, mut fault, later): (Arc<watch::Sender<Fault>>, watch::Receiver<Fault>, Later),
    forwarded: Arc<AtomicU64>,
) {
    loop {
        if *fault.borrow() == Fault::Refuse {
            // Close the listener so that connections are refused, until told otherwise.
            drop(listener);
            if fault
                .wait_for(|fault| *fault != Fault::Refuse)
                .await
                .is_err()
            {
                return;
            }
            listener = match TcpListener::bind(("127.0.0.1", port)).await {
                Ok(listener) => listener,
                Err(_) => return,
            };
        }
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = fault.changed() => continue,
        };
        let Ok((client, _)) = accepted else {
            continue;
        };
        {
            let mut later = later.lock().expect("not poisoned");
            if let Some((at, then)) = *later
                && forwarded.load(Ordering::SeqCst) >= at
            {
                setter.send_replace(then);
                *later = None;
            }
        }
        let mode = *fault.borrow();
        if mode == Fault::DropOneAnswer {
            // Only this connection loses its answer.
            setter.send_replace(Fault::None);
        }
        let upstream = upstream.clone();
        let forwarded = Arc::clone(&forwarded);
        let stalled = fault.clone();
        tokio::spawn(async move {
            let _ = serve(client, mode, &upstream, &forwarded, stalled).await;
        });
    }
}

async fn serve(
    mut client: TcpStream,
    mode: Fault,
    upstream: &str,
    forwarded: &AtomicU64,
    mut fault: watch::Receiver<Fault>,
) -> std::io::Result<()> {
    let request = read_message(&mut client).await?;
    match mode {
        Fault::None | Fault::Refuse => {
            let mut server = TcpStream::connect(upstream).await?;
            server.write_all(&request).await?;
            forwarded.fetch_add(1, Ordering::SeqCst);
            let answer = read_message(&mut server).await?;
            client.write_all(&answer).await
        }
        Fault::DropAnswer | Fault::DropOneAnswer => {
            let mut server = TcpStream::connect(upstream).await?;
            server.write_all(&request).await?;
            forwarded.fetch_add(1, Ordering::SeqCst);
            let _answer = read_message(&mut server).await?;
            // The answer goes nowhere: the client's connection just closes.
            Ok(())
        }
        Fault::Cut => Ok(()),
        Fault::Stall => {
            // Hold the connection, answering nothing, until the fault is lifted or the client
            // gives up.
            let _ = fault.wait_for(|fault| *fault != Fault::Stall).await;
            Ok(())
        }
        Fault::Throttle => {
            let body = r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate of requests exceeds the allowed throughput."}"#;
            let answer = format!(
                "HTTP/1.1 400 Bad Request\r\ncontent-type: application/x-amz-json-1.0\r\nx-amzn-errortype: ThrottlingException\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            client.write_all(answer.as_bytes()).await
        }
        Fault::Garbage => {
            client
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: 9\r\nconnection: close\r\n\r\nnot json!")
                .await
        }
    }
}

/// Reads one HTTP/1.1 message: its head, then `content-length` bytes of body.
async fn read_message(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut message = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        if let Some(end) = message.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&message[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if message.len() >= end + 4 + length {
                message.truncate(end + 4 + length);
                return Ok(message);
            }
        }
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Ok(message);
        }
        message.extend_from_slice(&buffer[..read]);
    }
}
