//! A tour of `DynamoStore` on a real DynamoDB-compatible server on this machine.
//!
//! `cargo run -p ch02-dynamodb --example dynamodb_tour` starts `moto_server` from the project's `.venv`
//! (created by `cargo xtask setup`, or by `cargo xtask test`), or uses the server named by `AWS_ENDPOINT_URL_DYNAMODB` if
//! you set it. It never talks to AWS itself.

use std::error::Error;
use std::fmt::Write as _;
use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use ch01_blog_core::http::Method;
use ch01_blog_core::test_support::json_request;
use ch01_blog_core::{ApiRequest, Blog, SequentialIds, SteppingClock};
use ch02_dynamodb::local::LocalDynamo;
use ch02_dynamodb::{DEFAULT_TABLE_NAME, DynamoStore, create_table};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn Error>> {
    let (store, _server) = match std::env::var("AWS_ENDPOINT_URL_DYNAMODB") {
        Ok(endpoint) => {
            println!("Using the DynamoDB-compatible server at {endpoint}");
            (DynamoStore::from_env().await, None)
        }
        Err(_) => {
            let server = LocalDynamo::start().map_err(|err| {
                format!(
                    "{err}\nThe tour runs moto, a local DynamoDB, from the project's .venv. \
                     Create it with `cargo xtask setup` (about a minute, once), or set \
                     AWS_ENDPOINT_URL_DYNAMODB to a DynamoDB-compatible server you run."
                )
            })?;
            println!("Started moto_server at {}", server.endpoint());
            let store = DynamoStore::new(server.client(), DEFAULT_TABLE_NAME);
            (store, Some(server))
        }
    };
    println!("Table: {}\n", store.table());
    print!("{}", tour(store).await?);
    Ok(())
}

// ANCHOR: tour
/// Creates the table, writes posts through chapter 1's operations, and shows what DynamoDB holds.
pub async fn tour(store: DynamoStore) -> Result<String, Box<dyn Error>> {
    let mut out = String::new();
    create_table(store.client(), store.table()).await?;
    let client = store.client().clone();
    let table = store.table().to_owned();
    let blog = Blog::new(Arc::new(store))
        .with_clock(SteppingClock::new())
        .with_ids(SequentialIds::default());

    for title in ["First", "Second", "Third"] {
        let body = format!(r#"{{"title":"{title}","author":"Ada","contents":"Hello"}}"#);
        let response = blog.handle(&json_request(Method::POST, &body)).await;
        writeln!(out, "POST /blog {title:?} -> {}", response.status)?;
    }
    let again = blog
        .handle(&json_request(
            Method::POST,
            r#"{"id":"post-1","title":"Again","author":"Ada","contents":"x"}"#,
        ))
        .await;
    writeln!(
        out,
        "POST /blog with id post-1 again -> {} {}",
        again.status,
        String::from_utf8_lossy(&again.body)
    )?;

    // The item exactly as DynamoDB stores it: the post's attributes plus the feed index keys.
    let item = client
        .get_item()
        .table_name(&table)
        .key("id", AttributeValue::S("post-1".into()))
        .send()
        .await?
        .item
        .unwrap_or_default();
    let mut names: Vec<_> = item.keys().collect();
    names.sort();
    writeln!(out, "\nItem post-1 in DynamoDB:")?;
    for name in names {
        writeln!(out, "  {name:<14} {:?}", item[name])?;
    }

    // The feed, two at a time, following next_cursor.
    writeln!(out, "\nGET /blog?limit=2, page by page:")?;
    let mut query = vec![("limit".to_owned(), "2".to_owned())];
    loop {
        let request = ApiRequest {
            query: query.clone(),
            ..ApiRequest::default()
        };
        let page: serde_json::Value = serde_json::from_slice(&blog.handle(&request).await.body)?;
        let ids: Vec<&str> = page["posts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|post| post["id"].as_str())
            .collect();
        writeln!(out, "  {ids:?} next_cursor: {}", page["next_cursor"])?;
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                query = vec![
                    ("limit".into(), "2".into()),
                    ("cursor".into(), cursor.into()),
                ]
            }
            None => break,
        }
    }
    Ok(out)
}
// ANCHOR_END: tour
