//! What the store does when DynamoDB is not there or not as expected.

use ch01_blog_core::contract::post_at;
use ch01_blog_core::{BlogError, PostStore};
use ch02_dynamodb::local::{LocalDynamo, free_port};
use ch02_dynamodb::{DynamoStore, client::local_client, create_table};

/// A loopback endpoint with nothing listening on it: every connection is refused.
fn closed_port_endpoint() -> String {
    format!("http://127.0.0.1:{}", free_port().unwrap())
}

#[tokio::test]
async fn an_unreachable_server_is_store_unavailable_for_every_operation() {
    let store = DynamoStore::new(local_client(&closed_port_endpoint()), "posts");
    let results = [
        store.create(&post_at("a", 0)).await.err(),
        store.get("a").await.err(),
        store.list(10, None).await.err(),
        store.delete("a").await.err(),
    ];
    for err in results {
        let err = err.expect("must fail");
        assert!(matches!(err, BlogError::StoreUnavailable { .. }), "{err:?}");
        assert_eq!(err.status().as_u16(), 503);
    }
}

#[tokio::test]
async fn a_missing_table_is_an_internal_error_not_a_silent_empty_list() {
    let store = DynamoStore::new(LocalDynamo::shared().client(), "no-such-table");
    let err = store.list(10, None).await.unwrap_err();
    assert!(matches!(err, BlogError::Internal { .. }), "{err:?}");
    let err = store.get("x").await.unwrap_err();
    assert!(matches!(err, BlogError::Internal { .. }), "{err:?}");
}

#[tokio::test]
async fn creating_the_table_twice_is_harmless() {
    let store = LocalDynamo::shared().fresh_store().await;
    store.create(&post_at("kept", 0)).await.unwrap();
    create_table(store.client(), store.table()).await.unwrap();
    assert_eq!(store.get("kept").await.unwrap().id, "kept");
}
