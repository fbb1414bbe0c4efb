//! `destroy` against moto's CloudFormation: a stack that is there is deleted and waited for; one
//! that is not is "nothing to delete", never a success that deleted nothing. (moto cannot delete
//! the whole blog stack: it never created some of its network wiring, and refuses to delete the
//! VPC. A small stack shows the same calls.)

use ch02_dynamodb::local::LocalDynamo;
use ch08_deploy::destroy::{Destroyed, delete_stack};

use crate::support::moto_account;

const SMALL_STACK: &str = r#"{
  "Resources": {
    "Posts": {
      "Type": "AWS::DynamoDB::Table",
      "Properties": {
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{ "AttributeName": "id", "AttributeType": "S" }],
        "KeySchema": [{ "AttributeName": "id", "KeyType": "HASH" }]
      }
    }
  }
}"#;

#[tokio::test]
async fn destroy_deletes_a_stack_that_is_there_and_says_so_when_none_is() {
    let moto = LocalDynamo::start().expect("start moto_server");
    let aws = moto_account(&moto).await;
    let cloudformation = aws_sdk_cloudformation::Client::new(&aws);
    cloudformation
        .create_stack()
        .stack_name("ServerlessBlog")
        .template_body(SMALL_STACK)
        .send()
        .await
        .expect("create a stack");

    assert_eq!(
        delete_stack(&aws, "ServerlessBlog").await.unwrap(),
        Destroyed::Deleted
    );
    let tables = aws_sdk_dynamodb::Client::new(&aws)
        .list_tables()
        .send()
        .await
        .unwrap();
    assert_eq!(
        tables.table_names(),
        Vec::<String>::new(),
        "the stack's table went with it"
    );
    // Again, and in a region where it never was: nothing to delete, and no error.
    assert_eq!(
        delete_stack(&aws, "ServerlessBlog").await.unwrap(),
        Destroyed::NothingThere
    );
    let elsewhere = aws
        .to_builder()
        .region(aws_config::Region::new("eu-west-1"))
        .build();
    assert_eq!(
        delete_stack(&elsewhere, "ServerlessBlog").await.unwrap(),
        Destroyed::NothingThere
    );
}
