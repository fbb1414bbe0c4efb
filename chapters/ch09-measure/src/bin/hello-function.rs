//! The smallest Rust Lambda function: `lambda_runtime` and a handler that answers at once, on a
//! one-thread runtime like the blog's functions. Its init time is the floor chapter 9 compares
//! the blog's functions with.

use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use serde_json::{Value, json};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::run(service_fn(|_: LambdaEvent<Value>| async {
        Ok::<_, lambda_runtime::Error>(json!({ "statusCode": 200, "body": "hello" }))
    }))
    .await
}
