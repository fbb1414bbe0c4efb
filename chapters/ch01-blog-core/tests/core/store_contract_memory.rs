//! The store contract suite against `MemoryStore`. Chapter 2 runs the same suite on DynamoDB.

use std::sync::Arc;

use ch01_blog_core::{MemoryStore, PostStore};

async fn memory_store() -> Arc<dyn PostStore> {
    Arc::new(MemoryStore::new())
}

ch01_blog_core::store_contract_tests!(memory_store);
