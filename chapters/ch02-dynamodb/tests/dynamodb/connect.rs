//! Opening the connection at init: each operation's call changes nothing in the table, and an
//! error DynamoDB names comes back to be logged.

use aws_sdk_dynamodb::types::AttributeValue;
use ch01_blog_core::contract::post_at;
use ch01_blog_core::{PostStore, StoreOperation};
use ch02_dynamodb::DynamoStore;
use ch02_dynamodb::local::LocalDynamo;

#[tokio::test]
async fn each_operations_connection_call_reads_and_writes_nothing() {
    let store = LocalDynamo::shared().fresh_store().await;
    for n in 0..2 {
        store
            .create(&post_at(&format!("kept-{n}"), n))
            .await
            .unwrap();
    }
    // An item under the very key the calls use (no post can have it; someone could still write
    // it by hand): the conditional writes must leave it as it is.
    let by_hand = || AttributeValue::S("#connection".to_owned());
    store
        .client()
        .put_item()
        .table_name(store.table())
        .item("id", by_hand())
        .item("note", AttributeValue::S("written by hand".to_owned()))
        .send()
        .await
        .unwrap();
    let read_back = || async {
        store
            .client()
            .get_item()
            .table_name(store.table())
            .key("id", by_hand())
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .item
    };
    let before = read_back().await;

    for operation in StoreOperation::ALL {
        let opened = store.open_connection(operation).await;
        assert_eq!(opened, Ok(()), "{operation:?}");
    }

    assert_eq!(read_back().await, before);
    let page = store.list(10, None).await.unwrap();
    let ids: Vec<_> = page.posts.iter().map(|post| post.id.as_str()).collect();
    assert_eq!(ids, ["kept-1", "kept-0"]);
}

#[tokio::test]
async fn a_table_that_is_not_there_is_reported() {
    let store = DynamoStore::new(LocalDynamo::shared().client(), "NoSuchTable");
    for operation in StoreOperation::ALL {
        let refused = store.open_connection(operation).await.unwrap_err();
        assert!(
            refused.contains("ResourceNotFoundException"),
            "{operation:?}: {refused}"
        );
    }
}
