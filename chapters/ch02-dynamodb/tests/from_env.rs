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
        std::env::set_var("AWS_ENDPOINT_URL_DYNAMODB", server.endpoint());
        std::env::set_var("TABLE_NAME", "FromEnvTable");
        // moto keeps one set of tables per region; the local client below uses us-east-1.
        std::env::set_var("AWS_REGION", "us-east-1");
        std::env::set_var("AWS_ACCESS_KEY_ID", "local");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "local");
        // Keep the SDK from reading a developer's ~/.aws files or asking the EC2 metadata service.
        std::env::set_var("AWS_CONFIG_FILE", "/dev/null");
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
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
