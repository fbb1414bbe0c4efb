//! Build it, chapter 2: the exercise's test. It is compiled only with the crate's `build-it`
//! feature (`cargo test -p ch02-dynamodb --features build-it --test dynamodb build_it`), and
//! fails until the reader's change is made.

use aws_sdk_dynamodb::types::AttributeValue;
use ch01_blog_core::{Post, PostStore};
use ch02_dynamodb::local::LocalDynamo;
use ch02_dynamodb::table::ID;
use chrono::{TimeZone, Utc};

/// Thirty days, in seconds: how long a post lives.
const LIFETIME_SECS: i64 = 30 * 24 * 60 * 60;

/// Every stored post carries `expires_at`, a DynamoDB number holding the post's creation time
/// plus thirty days in whole seconds since the Unix epoch (the form DynamoDB's time to live
/// reads), and the post still reads back unchanged.
#[tokio::test]
async fn a_stored_post_expires_thirty_days_after_it_was_created() {
    let store = LocalDynamo::shared().fresh_store().await;
    let created_at = Utc.with_ymd_and_hms(2026, 12, 3, 9, 30, 15).unwrap()
        + chrono::TimeDelta::milliseconds(250);
    let post = Post {
        id: "short-lived".to_owned(),
        title: "Here for a month".to_owned(),
        author: "ana".to_owned(),
        contents: "Then DynamoDB deletes me.".to_owned(),
        created_at,
    };
    store.create(&post).await.expect("the post is stored");

    let item = store
        .client()
        .get_item()
        .table_name(store.table())
        .key(ID, AttributeValue::S(post.id.clone()))
        .send()
        .await
        .expect("the item reads back")
        .item
        .expect("the item is there");
    let expires_at = item.get("expires_at").unwrap_or_else(|| {
        let names: std::collections::BTreeSet<_> = item.keys().collect();
        panic!("the item has no expires_at attribute, only {names:?}")
    });
    let AttributeValue::N(seconds) = expires_at else {
        panic!("expires_at must be a number (N) for time to live to read it: {expires_at:?}");
    };
    assert_eq!(
        seconds.parse::<i64>().ok(),
        Some(created_at.timestamp() + LIFETIME_SECS),
        "expires_at is {seconds}: whole seconds since the epoch, thirty days after created_at"
    );

    // The attribute is the table's business: the post a client reads has the same fields.
    assert_eq!(
        store.get(&post.id).await.expect("the post reads back"),
        post
    );
}
