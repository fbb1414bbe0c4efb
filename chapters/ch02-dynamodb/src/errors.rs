//! How a failed DynamoDB call becomes one of the contract's errors: the one place that reads the
//! SDK's error types.

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use ch01_blog_core::BlogError;

// ANCHOR: classify
/// Sorts an SDK failure into the contract's two server-side errors. What a client can wait out
/// (throttling, a timeout, a refused connection, DynamoDB's own 5xx, an answer that is not
/// DynamoDB's at all) is `store_unavailable` (503); an error DynamoDB names that retrying will
/// not fix (a missing table, a denied permission) is a bug or a misconfiguration: `internal` (500).
pub(crate) fn classify<E, R>(err: SdkError<E, R>) -> BlogError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let detail = aws_sdk_dynamodb::error::DisplayErrorContext(&err).to_string();
    let transient = match &err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(service) => matches!(
            service.err().code(),
            // No code: the answer could not be read as DynamoDB's (something between us and
            // the table answered, or the answer was cut).
            None | Some(
                "ProvisionedThroughputExceededException"
                    | "ThrottlingException"
                    | "RequestLimitExceeded"
                    | "InternalServerError"
                    | "ServiceUnavailable"
            )
        ),
        _ => false,
    };
    if transient {
        BlogError::StoreUnavailable { detail }
    } else {
        BlogError::Internal { detail }
    }
}
// ANCHOR_END: classify
