//! The `export-posts` function: the export, streamed by `lambda_http`.

use std::sync::Arc;

use ch01_blog_core::{PostStore, StoreOperation};
use ch02_dynamodb::StoreChoice;
use http_body_util::BodyExt as _;
use lambda_http::{Body, Error, Request, Response, service_fn};

use crate::export;

/// The function's name, in the stack and in its logs.
pub const FUNCTION_NAME: &str = "export-posts";

// ANCHOR: run
/// Opens the store at init, then answers every invocation with the export, streamed:
/// `run_with_streaming_response` posts the status and headers first, then each page of lines as
/// the store returns it, where `lambda_http::run` would collect the body and post it whole.
pub async fn run() -> Result<(), Error> {
    ch03_functions::logging::init_json_logs();
    let choice = StoreChoice::from_env()?;
    let (store, connection) = choice.open_for(StoreOperation::List).await?;
    ch03_functions::log_init(FUNCTION_NAME, choice, connection);
    lambda_http::run_with_streaming_response(service_fn(move |request: Request| {
        let store: Arc<dyn PostStore> = Arc::clone(&store);
        async move { Ok::<_, Error>(export::respond(store, request.method()).await) }
    }))
    .await
}
// ANCHOR_END: run

// ANCHOR: buffered
/// The same export answered whole, as a function run by `lambda_http::run` answers: the body
/// collected, then posted in one JSON document. Past 6 MB, Lambda refuses it.
pub async fn respond_buffered(
    store: Arc<dyn PostStore>,
    request: Request,
) -> Result<Response<Body>, Error> {
    let (parts, body) = export::respond(store, request.method()).await.into_parts();
    let collected = body.collect().await?.to_bytes();
    Ok(Response::from_parts(
        parts,
        Body::Text(String::from_utf8(collected.to_vec())?),
    ))
}
// ANCHOR_END: buffered
