//! `DynamoStore`: chapter 1's `PostStore` on DynamoDB.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use ch01_blog_core::{BlogError, Cursor, Page, Post, PostStore, not_found, rfc3339_millis};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::client::{DEFAULT_TABLE_NAME, TABLE_NAME_ENV, client_from_env};
use crate::errors::classify;
use crate::table::{FEED, FEED_INDEX, FEED_POSITION, FEED_VALUE, ID};

// ANCHOR: item
/// A post as a DynamoDB item: the post's own fields plus the two keys of the feed index.
/// `serde_dynamo` turns it into the SDK's `HashMap<String, AttributeValue>` and back.
#[derive(Debug, Serialize, Deserialize)]
struct PostItem {
    id: String,
    title: String,
    author: String,
    contents: String,
    #[serde(with = "rfc3339_millis")]
    created_at: DateTime<Utc>,
    feed: String,
    feed_position: String,
}

impl From<&Post> for PostItem {
    fn from(post: &Post) -> Self {
        Self {
            id: post.id.clone(),
            title: post.title.clone(),
            author: post.author.clone(),
            contents: post.contents.clone(),
            created_at: post.created_at,
            feed: FEED_VALUE.to_owned(),
            feed_position: Cursor::of(post).sort_key(),
        }
    }
}

impl From<PostItem> for Post {
    fn from(item: PostItem) -> Self {
        Self {
            id: item.id,
            title: item.title,
            author: item.author,
            contents: item.contents,
            created_at: item.created_at,
        }
    }
}
// ANCHOR_END: item

/// Posts in a DynamoDB table laid out as [`crate::table`] describes.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    /// A store on `table`, through a client the caller configured (see [`crate::client`]).
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// A store configured the way AWS configures a Lambda function or an ECS task:
    /// `TABLE_NAME` (default `ServerlessBlog`), and for the SDK itself `AWS_REGION`, the
    /// credentials chain, and `AWS_ENDPOINT_URL_DYNAMODB` to point it at a local server.
    pub async fn from_env() -> Self {
        let table = std::env::var(TABLE_NAME_ENV).unwrap_or_else(|_| DEFAULT_TABLE_NAME.to_owned());
        Self::new(client_from_env().await, table)
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }
}

fn key(id: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([(ID.to_owned(), AttributeValue::S(id.to_owned()))])
}

fn to_post(item: HashMap<String, AttributeValue>) -> Result<Post, BlogError> {
    serde_dynamo::from_item::<_, PostItem>(item)
        .map(Post::from)
        .map_err(|err| BlogError::Internal {
            detail: format!("a stored item is not a post: {err}"),
        })
}

// ANCHOR: store
#[async_trait]
impl PostStore for DynamoStore {
    async fn create(&self, post: &Post) -> Result<Post, BlogError> {
        let item =
            serde_dynamo::to_item(PostItem::from(post)).map_err(|err| BlogError::Internal {
                detail: format!("cannot encode post: {err}"),
            })?;
        let written = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            // The write happens only if no item has this id: one round trip, no race between a
            // "does it exist?" read and the write.
            .condition_expression("attribute_not_exists(#id)")
            .expression_attribute_names("#id", ID)
            // When the condition fails, DynamoDB sends back the item that is there, at no extra
            // cost: enough to tell our own earlier write (a retry) from someone else's post.
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match written {
            Ok(_) => Ok(post.clone()),
            Err(err) => match err.as_service_error() {
                Some(PutItemError::ConditionalCheckFailedException(refused)) => {
                    let stored = refused.item.clone().map(to_post).transpose()?;
                    match stored {
                        Some(stored) if post.is_retry_of(&stored) => Ok(stored),
                        _ => Err(BlogError::Conflict(post.id.clone())),
                    }
                }
                _ => Err(classify(err)),
            },
        }
    }

    async fn get(&self, id: &str) -> Result<Post, BlogError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(id)))
            // A client that just created a post expects to read it back.
            .consistent_read(true)
            .send()
            .await
            .map_err(classify)?;
        output
            .item
            .map(to_post)
            .unwrap_or_else(|| Err(not_found(id)))
    }

    async fn delete(&self, id: &str) -> Result<(), BlogError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(id)))
            // Without the condition, deleting a missing item succeeds silently.
            .condition_expression("attribute_exists(#id)")
            .expression_attribute_names("#id", ID)
            .send()
            .await
            .map_err(|err| {
                if err
                    .as_service_error()
                    .is_some_and(DeleteItemError::is_conditional_check_failed_exception)
                {
                    not_found(id)
                } else {
                    classify(err)
                }
            })?;
        Ok(())
    }
    // ANCHOR_END: store

    // ANCHOR: list
    async fn list(&self, limit: usize, after: Option<&Cursor>) -> Result<Page, BlogError> {
        // Ask for one post more than the page holds: if it comes back, there is a next page.
        let wanted = limit + 1;
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(FEED_INDEX)
            .scan_index_forward(false) // newest first
            .expression_attribute_names("#feed", FEED)
            .expression_attribute_values(":feed", AttributeValue::S(FEED_VALUE.to_owned()));
        query = match after {
            None => query.key_condition_expression("#feed = :feed"),
            Some(cursor) => query
                .key_condition_expression("#feed = :feed AND #position < :after")
                .expression_attribute_names("#position", FEED_POSITION)
                .expression_attribute_values(":after", AttributeValue::S(cursor.sort_key())),
        };

        let mut posts = Vec::with_capacity(wanted);
        let mut start_key = None;
        loop {
            let output = query
                .clone()
                .limit(i32::try_from(wanted - posts.len()).unwrap_or(i32::MAX))
                .set_exclusive_start_key(start_key)
                .send()
                .await
                .map_err(classify)?;
            for item in output.items.unwrap_or_default() {
                posts.push(to_post(item)?);
            }
            // DynamoDB stops a page at `limit` items or at 1 MB of data, whichever comes first.
            // A `LastEvaluatedKey` means it stopped early: keep reading from there.
            match output.last_evaluated_key {
                Some(key) if posts.len() < wanted => start_key = Some(key),
                _ => break,
            }
        }

        let next = if posts.len() > limit {
            posts.truncate(limit);
            posts.last().map(Cursor::of)
        } else {
            None
        };
        Ok(Page { posts, next })
    }
    // ANCHOR_END: list
}
