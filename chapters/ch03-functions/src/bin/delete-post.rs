//! The `delete-post` Lambda function: `DELETE /blog/{id}`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    ch03_functions::endpoint::run(ch03_functions::Endpoint::DeletePost).await
}
