//! The table design: one item per post, keyed by `id`, plus one global secondary index that keeps
//! every post in feed order. Chapter 6's CDK stack declares exactly this schema.

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, IndexStatus, KeySchemaElement, KeyType,
    Projection, ProjectionType, ScalarAttributeType, TableStatus,
};
use ch01_blog_core::BlogError;

use crate::errors::classify;

// ANCHOR: schema
/// The table's partition key: the post id. `GetItem`, conditional `PutItem` and `DeleteItem` all
/// address one post by it.
pub const ID: &str = "id";
/// The feed index, and its two keys. Every post carries the same `feed` value, so all posts share
/// one index partition, sorted by `feed_position` (`"<created_at>#<id>"`). Reading the feed
/// newest first is then a `Query` that walks that partition backwards: it reads only the posts it
/// returns, where a `Scan` would read the whole table and still not sort it.
pub const FEED_INDEX: &str = "feed";
pub const FEED: &str = "feed";
pub const FEED_POSITION: &str = "feed_position";
/// The one value of `feed`.
pub const FEED_VALUE: &str = "posts";
// ANCHOR_END: schema

// ANCHOR: create_table
/// Creates the posts table with its feed index if it does not exist yet, and waits until both
/// are active. Used by the tests and the local demo; in AWS the CDK stack creates the table.
pub async fn create_table(client: &Client, table: &str) -> Result<(), BlogError> {
    let key = |name: &str, key_type: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(key_type)
            .build()
            .expect("name and key type are set")
    };
    let string_attribute = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .expect("name and type are set")
    };
    let feed_index = GlobalSecondaryIndex::builder()
        .index_name(FEED_INDEX)
        .key_schema(key(FEED, KeyType::Hash))
        .key_schema(key(FEED_POSITION, KeyType::Range))
        // ALL: the feed query returns whole posts without a second read per post.
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()
        .expect("name and keys are set");
    let created = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(string_attribute(ID))
        .attribute_definitions(string_attribute(FEED))
        .attribute_definitions(string_attribute(FEED_POSITION))
        .key_schema(key(ID, KeyType::Hash))
        .global_secondary_indexes(feed_index)
        .send()
        .await;
    match created {
        Ok(_) => {}
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_resource_in_use_exception()) => {} // already there
        Err(err) => return Err(classify(err)),
    }
    wait_until_active(client, table).await
}
// ANCHOR_END: create_table

async fn wait_until_active(client: &Client, table: &str) -> Result<(), BlogError> {
    for _ in 0..120 {
        let described = client
            .describe_table()
            .table_name(table)
            .send()
            .await
            .map_err(classify)?;
        // A description without a table is not ready yet either: wait like any other.
        let active = described.table.is_some_and(|description| {
            description.table_status == Some(TableStatus::Active)
                && description
                    .global_secondary_indexes()
                    .iter()
                    .all(|index| index.index_status == Some(IndexStatus::Active))
        });
        if active {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(BlogError::StoreUnavailable {
        detail: format!("table {table} did not become active within a minute"),
    })
}
