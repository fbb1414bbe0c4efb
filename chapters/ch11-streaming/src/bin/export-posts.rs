//! The `export-posts` Lambda function: `GET /export`, streamed.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    ch11_streaming::function::run().await
}
