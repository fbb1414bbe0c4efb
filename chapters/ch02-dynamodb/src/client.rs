//! Building the DynamoDB client: the same timeouts and retries in AWS and locally, and the
//! configuration read from the environment as the AWS tools read it.

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::retry::RetryPartition;
use aws_sdk_dynamodb::config::{Credentials, Region};

// ANCHOR: settings
/// The variable that names the table (the stack sets it on every function and task).
pub const TABLE_NAME_ENV: &str = "TABLE_NAME";
/// The table name when `TABLE_NAME` is not set.
pub const DEFAULT_TABLE_NAME: &str = "ServerlessBlog";

/// Bounds on every DynamoDB call. A request that cannot reach the table fails in seconds with a
/// 503, well inside API Gateway's 29-second limit, instead of hanging until the caller gives up.
pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .operation_attempt_timeout(Duration::from_secs(5))
        .operation_timeout(Duration::from_secs(12))
        .build()
}

/// [`timeouts`], each of which an environment variable may shorten or lengthen, in milliseconds:
/// `DYNAMODB_CONNECT_TIMEOUT_MS`, `DYNAMODB_ATTEMPT_TIMEOUT_MS`, `DYNAMODB_OPERATION_TIMEOUT_MS`.
/// The tests of a store outage use short ones; a deployment keeps the defaults.
pub fn timeouts_from_env() -> TimeoutConfig {
    let defaults = timeouts();
    let read = |name: &str, default: Option<Duration>| {
        std::env::var(name)
            .ok()
            .and_then(|value| value.parse::<u64>().ok())
            .map(Duration::from_millis)
            .or(default)
    };
    let mut builder = TimeoutConfig::builder();
    builder
        .set_connect_timeout(read(
            "DYNAMODB_CONNECT_TIMEOUT_MS",
            defaults.connect_timeout(),
        ))
        .set_operation_attempt_timeout(read(
            "DYNAMODB_ATTEMPT_TIMEOUT_MS",
            defaults.operation_attempt_timeout(),
        ))
        .set_operation_timeout(read(
            "DYNAMODB_OPERATION_TIMEOUT_MS",
            defaults.operation_timeout(),
        ));
    builder.build()
}

/// At most three attempts, with the SDK's standard jittered backoff: enough to ride out a
/// throttled burst, few enough that a real outage is reported quickly.
pub fn retries() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(3)
}
// ANCHOR_END: settings

// ANCHOR: from_env
/// A client configured the way AWS configures a Lambda function or an ECS task: `AWS_REGION`,
/// the credentials chain, and `AWS_ENDPOINT_URL_DYNAMODB` to point it at a local server; with
/// this module's timeouts and retries.
pub async fn client_from_env() -> Client {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .http_client(crate::trust::https_client())
        .timeout_config(timeouts_from_env())
        .retry_config(retries())
        .load()
        .await;
    Client::new(&config)
}
// ANCHOR_END: from_env

/// A client for a DynamoDB-compatible server at `endpoint` (moto, dynalite, DynamoDB Local), with
/// fixed dummy credentials and region: nothing is read from the environment, so a test can never
/// reach real AWS by accident.
pub fn local_client(endpoint: &str) -> Client {
    local_client_with(endpoint, timeouts())
}

/// [`local_client`] with other bounds (the outage tests shorten them).
///
/// Each local server gets a retry budget of its own (the SDK's token bucket is shared by every
/// client of a process with the same retry partition): one test's outage, with its many retries,
/// must not use up the retries of another test's server in the same test binary.
pub fn local_client_with(endpoint: &str, timeouts: TimeoutConfig) -> Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("local", "local", None, None, "local"))
        .endpoint_url(endpoint)
        .timeout_config(timeouts)
        .retry_config(retries())
        .retry_partition(RetryPartition::new(format!("dynamodb-at-{endpoint}")))
        .build();
    Client::from_conf(config)
}
