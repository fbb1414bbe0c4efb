//! `DynamoStore::from_env` reads the same variables a Lambda function or an ECS task gets.
//! Alone in its own test binary because it sets process environment variables.

use ch01_blog_core::PostStore;
use ch01_blog_core::contract::post_at;
use ch02_dynamodb::local::LocalDynamo;
use ch02_dynamodb::{DynamoStore, create_table};

#[test]
fn from_env_uses_table_name_and_the_endpoint_override() {
    let server = LocalDynamo::start().expect("start moto");
    // SAFETY: this is the only test in this binary and no other thread is running yet.
    unsafe {
        for (name, value) in server.aws_env() {
            std::env::set_var(name, value);
        }
        std::env::set_var("TABLE_NAME", "FromEnvTable");
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = DynamoStore::from_env().await;
        assert_eq!(store.table(), "FromEnvTable");
        create_table(store.client(), store.table()).await.unwrap();
        store.create(&post_at("via-env", 0)).await.unwrap();
        // The post is in the table the local client sees, so the override was used.
        let direct = DynamoStore::new(server.client(), "FromEnvTable");
        assert_eq!(direct.get("via-env").await.unwrap().id, "via-env");
    });
}
