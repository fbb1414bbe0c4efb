//! How a failed DynamoDB call becomes one of the contract's errors: the one place that reads the
//! SDK's error types.

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use ch01_blog_core::BlogError;

// ANCHOR: classify
/// Sorts an SDK failure into the contract's two server-side errors. What a client can wait out
/// (throttling, a timeout, a refused connection, DynamoDB's own 5xx) is `store_unavailable`
/// (503); anything else is a bug or a misconfiguration and is `internal` (500).
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
            Some(
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
