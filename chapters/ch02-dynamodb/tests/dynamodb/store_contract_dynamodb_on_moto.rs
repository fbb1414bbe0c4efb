//! Chapter 1's store contract suite, run against `DynamoStore` on a real moto server.

use std::sync::Arc;

use ch01_blog_core::PostStore;
use ch02_dynamodb::local::LocalDynamo;

async fn dynamo_store() -> Arc<dyn PostStore> {
    Arc::new(LocalDynamo::shared().fresh_store().await)
}

ch01_blog_core::store_contract_tests!(dynamo_store);
