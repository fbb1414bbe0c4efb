//! Deleting the stack through CloudFormation, in the region the record names, and saying plainly
//! when there was nothing to delete. (`cdk destroy` of a stack that is not there exits 0 and
//! prints that it destroyed it, which leaves you paying for the one that is elsewhere.)

use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use aws_config::SdkConfig;
use aws_sdk_cloudformation::client::Waiters as _;
use aws_sdk_cloudformation::types::StackStatus;

/// How long a deletion may take: the load balancer and the VPC take minutes.
const DELETE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// What `destroy` found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destroyed {
    /// The stack was there and is gone.
    Deleted,
    /// There was no such stack in that account and region.
    NothingThere,
}

// ANCHOR: delete_stack
/// Deletes `stack` in `aws`'s region and waits until it is gone.
pub async fn delete_stack(aws: &SdkConfig, stack: &str) -> Result<Destroyed> {
    if !stack_is_there(aws, stack).await? {
        return Ok(Destroyed::NothingThere);
    }
    let cloudformation = aws_sdk_cloudformation::Client::new(aws);
    cloudformation
        .delete_stack()
        .stack_name(stack)
        .send()
        .await
        .with_context(|| format!("cannot delete the stack {stack} (cloudformation:DeleteStack)"))?;
    println!(
        "deleting the stack {stack} (the load balancer and the network take a few minutes)..."
    );
    let waited = cloudformation
        .wait_until_stack_delete_complete()
        .stack_name(stack)
        .wait(DELETE_TIMEOUT)
        .await;
    if let Err(err) = waited {
        bail!(
            "the stack {stack} was not deleted ({}); its events in the CloudFormation console say which \
             resource held it",
            aws_sdk_cloudformation::error::DisplayErrorContext(err)
        );
    }
    Ok(Destroyed::Deleted)
}
// ANCHOR_END: delete_stack

/// Whether `stack` is deployed in `aws`'s region: it exists, in any state but deleted.
pub async fn stack_is_there(aws: &SdkConfig, stack: &str) -> Result<bool> {
    let found = aws_sdk_cloudformation::Client::new(aws)
        .describe_stacks()
        .stack_name(stack)
        .send()
        .await;
    let status = match found {
        Ok(described) => described
            .stacks()
            .first()
            .and_then(|s| s.stack_status().cloned()),
        // CloudFormation answers a name it does not know with a ValidationError.
        Err(err) if does_not_exist(&err) => None,
        Err(err) => {
            return Err(err).context(format!(
                "cannot look for the stack {stack} (cloudformation:DescribeStacks)"
            ));
        }
    };
    Ok(!matches!(status, None | Some(StackStatus::DeleteComplete)))
}

fn does_not_exist<E: aws_sdk_cloudformation::error::ProvideErrorMetadata, R>(
    err: &aws_sdk_cloudformation::error::SdkError<E, R>,
) -> bool {
    err.as_service_error().is_some_and(|service| {
        service.code() == Some("ValidationError")
            && service
                .message()
                .is_some_and(|message| message.contains("does not exist"))
    })
}
