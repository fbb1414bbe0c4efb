//! The `all-routes` Lambda function: every route of the API, behind `ANY /{proxy+}`.

// One thread, as for the four functions: Lambda hands an execution environment one event at a time.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    ch10_between::run().await
}
