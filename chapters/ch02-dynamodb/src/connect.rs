//! Opening the store's connection before the first request: one call that reads and writes
//! nothing, sent during a function's init so that its first invocation does not pay for DNS, TCP,
//! the TLS handshake and the SDK's first-call setup.

use std::time::Duration;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;
use ch01_blog_core::StoreOperation;

use crate::DynamoStore;
use crate::table::{FEED, FEED_INDEX, ID};

// ANCHOR: connect
/// The variable that turns the call off (`false`); it is on when unset.
pub const CONNECT_AT_INIT_ENV: &str = "DYNAMODB_CONNECT_AT_INIT";

/// How long init waits for the connection before it gives up and leaves the work to the first
/// request: the SDK's connect timeout. Lambda allows init 10 seconds; this keeps well inside it.
pub const CONNECT_AT_INIT_BOUND: Duration = Duration::from_secs(2);

/// A key no post can have: post ids are `A-Z a-z 0-9 _ -` only.
const NO_POST: &str = "#connection";

/// A condition no item meets: a write that carries it never writes.
const NEVER: &str = "attribute_exists(#id) AND attribute_not_exists(#id)";

/// Whether `DYNAMODB_CONNECT_AT_INIT` asks for the call (unset: yes).
pub fn connect_at_init_from_env() -> Result<bool, String> {
    switch(std::env::var(CONNECT_AT_INIT_ENV).ok().as_deref())
}

fn switch(value: Option<&str>) -> Result<bool, String> {
    match value {
        None | Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(other) => Err(format!(
            "{CONNECT_AT_INIT_ENV}={other:?} is not a switch; use true or false"
        )),
    }
}

impl DynamoStore {
    /// Sends the one call `operation` makes, in a form that changes nothing and reads nothing:
    /// so a function opens its connection with the permission it already has. A read asks for
    /// a key no post can have; a write carries a condition no item meets, which DynamoDB refuses
    /// (`ConditionalCheckFailedException`) without writing. Any answer from DynamoDB means the
    /// connection is open; an error it names (a missing table, a denied permission) is returned,
    /// so a misconfigured function says so in its init log.
    pub async fn open_connection(&self, operation: StoreOperation) -> Result<(), String> {
        let key = || AttributeValue::S(NO_POST.to_owned());
        let client = self.client();
        match operation {
            StoreOperation::Get => answered(
                client
                    .get_item()
                    .table_name(self.table())
                    .key(ID, key())
                    .send()
                    .await,
            ),
            StoreOperation::List => answered(
                client
                    .query()
                    .table_name(self.table())
                    .index_name(FEED_INDEX)
                    .key_condition_expression("#feed = :feed")
                    .expression_attribute_names("#feed", FEED)
                    .expression_attribute_values(":feed", key())
                    .limit(1)
                    .send()
                    .await,
            ),
            StoreOperation::Create => answered(
                client
                    .put_item()
                    .table_name(self.table())
                    .item(ID, key())
                    .condition_expression(NEVER)
                    .expression_attribute_names("#id", ID)
                    .send()
                    .await,
            ),
            StoreOperation::Delete => answered(
                client
                    .delete_item()
                    .table_name(self.table())
                    .key(ID, key())
                    .condition_expression(NEVER)
                    .expression_attribute_names("#id", ID)
                    .send()
                    .await,
            ),
        }
    }
}

/// `Ok` when DynamoDB answered with success or with the refused condition; the error otherwise.
fn answered<T, E, R>(result: Result<T, SdkError<E, R>>) -> Result<(), String>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match result {
        Ok(_) => Ok(()),
        Err(err) if err.code() == Some("ConditionalCheckFailedException") => Ok(()),
        Err(err) => Err(aws_sdk_dynamodb::error::DisplayErrorContext(&err).to_string()),
    }
}
// ANCHOR_END: connect

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch_is_on_unless_it_says_false_and_anything_else_is_an_error() {
        assert_eq!(switch(None), Ok(true));
        assert_eq!(switch(Some("true")), Ok(true));
        assert_eq!(switch(Some("false")), Ok(false));
        assert_eq!(
            switch(Some("no")),
            Err(r#"DYNAMODB_CONNECT_AT_INIT="no" is not a switch; use true or false"#.to_owned())
        );
    }

    #[test]
    fn the_key_is_one_no_post_can_have() {
        assert!(!ch01_blog_core::is_valid_id(NO_POST));
    }
}
