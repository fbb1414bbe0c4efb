//! One create/get/list/delete flow through the real binary, on DynamoDB (moto), with every
//! write checked in the table itself: a server that silently used the memory store would fail.

use aws_sdk_dynamodb::types::AttributeValue;
use ch01_blog_core::test_support::JsonBody;
use ch01_blog_core::test_support::raw_http::send;
use ch02_dynamodb::create_table;
use ch02_dynamodb::local::LocalDynamo;

use crate::support::Server;

#[tokio::test]
async fn crud_against_dynamodb_is_visible_in_the_table() {
    let dynamo = LocalDynamo::shared();
    let table = format!("container-{}", uuid::Uuid::new_v4());
    create_table(&dynamo.client(), &table).await.unwrap();
    let server = Server::start(
        &["--store", "dynamodb"],
        dynamo
            .aws_env()
            .into_iter()
            .chain([("TABLE_NAME", table.as_str())]),
    );
    // The item with this id, read from the table directly.
    let stored = || async {
        dynamo
            .client()
            .get_item()
            .table_name(&table)
            .key("id", AttributeValue::S("in-dynamo".into()))
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .item
    };

    let json = ("content-type", "application/json");
    let body = br#"{"id":"in-dynamo","title":"Stored","author":"Ada","contents":"In a table"}"#;
    let created = send(server.address, "POST", "/blog", &[json], body)
        .await
        .unwrap();
    assert_eq!(created.status, 201, "{:?}", created.json_body());
    let item = stored().await.expect("the 201 wrote an item to the table");
    assert_eq!(item["title"], AttributeValue::S("Stored".into()));
    assert_eq!(
        item["created_at"],
        AttributeValue::S(created.json_body()["created_at"].as_str().unwrap().into())
    );

    // The same create again (a retry after a lost answer) answers as the first did; another
    // post under the same id is a conflict.
    let again = send(server.address, "POST", "/blog", &[json], body)
        .await
        .unwrap();
    assert_eq!(again.status, 201);
    assert_eq!(again.json_body(), created.json_body());
    let other = br#"{"id":"in-dynamo","title":"Other","author":"Bo","contents":"Not the same"}"#;
    let conflict = send(server.address, "POST", "/blog", &[json], other)
        .await
        .unwrap();
    assert_eq!(conflict.status, 409);
    let fetched = send(server.address, "GET", "/blog/in-dynamo", &[], b"")
        .await
        .unwrap();
    assert_eq!(fetched.json_body(), created.json_body());
    let listed = send(server.address, "GET", "/blog", &[], b"")
        .await
        .unwrap();
    assert_eq!(listed.json_body()["posts"][0]["id"], "in-dynamo");

    let deleted = send(server.address, "DELETE", "/blog/in-dynamo", &[], b"")
        .await
        .unwrap();
    assert_eq!(deleted.status, 204);
    assert_eq!(
        stored().await,
        None,
        "the 204 removed the item from the table"
    );
    let gone = send(server.address, "GET", "/blog/in-dynamo", &[], b"")
        .await
        .unwrap();
    assert_eq!(gone.status, 404);
}
