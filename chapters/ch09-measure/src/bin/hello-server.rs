//! The smallest hyper server: every request gets a short JSON answer, with no routing, no
//! logging and no store. Its throughput is the ceiling chapter 9 compares the blog's server with.
//! `hello-server <port>` (0 picks a free one); it prints `listening on <address>`.

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|port| port.parse().ok())
        .unwrap_or(0);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            let service = hyper::service::service_fn(|_: Request<hyper::body::Incoming>| async {
                let mut response =
                    Response::new(Full::new(Bytes::from_static(br#"{"status":"ok"}"#)));
                response.headers_mut().insert(
                    "content-type",
                    "application/json".parse().expect("a header"),
                );
                Ok::<_, Infallible>(response)
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
