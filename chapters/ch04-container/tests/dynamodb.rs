//! One create/get/list/delete flow through the real binary, on DynamoDB (moto).

mod common;

use ch02_dynamodb::create_table;
use ch02_dynamodb::local::LocalDynamo;
use ch04_container::raw_http::send;
use common::Server;

#[tokio::test]
async fn crud_against_dynamodb() {
    let dynamo = LocalDynamo::shared();
    let table = format!("container-{}", uuid::Uuid::new_v4());
    create_table(&dynamo.client(), &table).await.unwrap();
    let server = Server::start(
        &["--store", "dynamodb"],
        &[
            ("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint()),
            ("TABLE_NAME", &table),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "local"),
            ("AWS_SECRET_ACCESS_KEY", "local"),
            ("AWS_CONFIG_FILE", "/dev/null"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ],
    );
    let json = ("content-type", "application/json");
    let body = br#"{"id":"in-dynamo","title":"Stored","author":"Ada","contents":"In a table"}"#;
    let created = send(server.address, "POST", "/blog", &[json], body)
        .await
        .unwrap();
    assert_eq!(created.status, 201, "{:?}", created.json());
    let again = send(server.address, "POST", "/blog", &[json], body)
        .await
        .unwrap();
    assert_eq!(again.status, 409);
    let fetched = send(server.address, "GET", "/blog/in-dynamo", &[], b"")
        .await
        .unwrap();
    assert_eq!(fetched.json(), created.json());
    let listed = send(server.address, "GET", "/blog", &[], b"")
        .await
        .unwrap();
    assert_eq!(listed.json()["posts"][0]["id"], "in-dynamo");
    assert_eq!(
        send(server.address, "DELETE", "/blog/in-dynamo", &[], b"")
            .await
            .unwrap()
            .status,
        204
    );
    assert_eq!(
        send(server.address, "GET", "/blog/in-dynamo", &[], b"")
            .await
            .unwrap()
            .status,
        404
    );

    // The item really is in the table the test created, not in some memory store.
    let item = dynamo
        .client()
        .scan()
        .table_name(&table)
        .send()
        .await
        .unwrap();
    assert_eq!(item.count, 0);
}
