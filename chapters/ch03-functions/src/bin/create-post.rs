//! The `create-post` Lambda function: `POST /blog`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    ch03_functions::endpoint::run(ch03_functions::Endpoint::CreatePost).await
}
