//! The `get-posts` Lambda function: `GET /blog`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    ch03_functions::endpoint::run(ch03_functions::Endpoint::GetPosts).await
}
