//! The `create-post` Lambda function: `POST /blog`.

// One thread: an execution environment hands a function one event at a time, so the worker
// threads of tokio's default runtime would only add to init time and memory.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    ch03_functions::endpoint::run(ch03_functions::Endpoint::CreatePost).await
}
