//! The chapter's picture: the table's items beside the feed index's one partition, drawn from
//! what moto really holds after three posts are written (`book/src/images/table-and-index.svg`).

use aws_sdk_dynamodb::types::AttributeValue;
use ch01_blog_core::test_support::seeded_blog;
use ch01_blog_core::test_support::svg::{Svg, check_picture, colour};
use ch02_dynamodb::local::LocalDynamo;
use ch02_dynamodb::table::{FEED, FEED_INDEX, FEED_POSITION, FEED_VALUE, ID};

fn text(item: &std::collections::HashMap<String, AttributeValue>, name: &str) -> String {
    item[name].as_s().expect("a string attribute").clone()
}

#[tokio::test]
async fn the_table_and_its_feed_index() {
    let dynamo = LocalDynamo::shared();
    let store = dynamo.fresh_store().await;
    // The three posts every chapter starts from, written through the store.
    let seeded = seeded_blog().await;
    let (posts, _) = ch01_blog_core::contract::walk(seeded.store().as_ref(), 10).await;
    for post in posts.iter().rev() {
        ch01_blog_core::PostStore::create(&store, post)
            .await
            .unwrap();
    }

    // The table, as a scan returns it (in no order): sorted by key for the picture.
    let scan = store
        .client()
        .scan()
        .table_name(store.table())
        .send()
        .await
        .unwrap();
    let mut table: Vec<(String, String)> = scan
        .items()
        .iter()
        .map(|item| (text(item, ID), text(item, "title")))
        .collect();
    table.sort();
    // The index, as a query walks it: one partition, newest first.
    let query = store
        .client()
        .query()
        .table_name(store.table())
        .index_name(FEED_INDEX)
        .key_condition_expression("#feed = :feed")
        .expression_attribute_names("#feed", FEED)
        .expression_attribute_values(":feed", AttributeValue::S(FEED_VALUE.to_owned()))
        .scan_index_forward(false)
        .send()
        .await
        .unwrap();
    let feed: Vec<(String, String)> = query
        .items()
        .iter()
        .map(|item| (text(item, FEED_POSITION), text(item, ID)))
        .collect();
    assert_eq!(table.len(), 3);
    assert_eq!(feed.len(), 3);

    let row = 30.0;
    let top = 70.0;
    let mut svg = Svg::new(900, 110 + 3 * row as u32 + 40);
    svg.heading(
        20.0,
        25.0,
        "start",
        &format!("The table: partition key {ID}"),
    );
    svg.text(20.0, 45.0, "start", "get, create, delete: one item each");
    svg.heading(
        470.0,
        25.0,
        "start",
        &format!("The index {FEED_INDEX}: one partition, \"{FEED_VALUE}\""),
    );
    svg.text(
        470.0,
        45.0,
        "start",
        &format!("sorted by {FEED_POSITION}; a page reads it backwards"),
    );
    for (n, (id, title)) in table.iter().enumerate() {
        let y = top + n as f64 * row;
        svg.rect(20.0, y, 330.0, row - 4.0, colour::TABLE);
        svg.code(30.0, y + 17.0, &format!("{ID} = {id}"));
        svg.text(340.0, y + 17.0, "end", title);
    }
    for (n, (position, id)) in feed.iter().enumerate() {
        let y = top + n as f64 * row;
        svg.rect(470.0, y, 410.0, row - 4.0, colour::TABLE);
        svg.code(
            480.0,
            y + 17.0,
            &format!("{FEED} = {FEED_VALUE}  {position}"),
        );
        let from = table
            .iter()
            .position(|(key, _)| key == id)
            .expect("in the table");
        let from_y = top + from as f64 * row + (row - 4.0) / 2.0;
        svg.line((352.0, from_y), (468.0, y + (row - 4.0) / 2.0), true, true);
    }
    svg.text(
        470.0,
        top + 3.0 * row + 25.0,
        "start",
        "newest first: the query's ScanIndexForward = false",
    );
    let picture = svg.finish(
        "The posts table keyed by id, beside the feed index: one partition holding every post, ordered by time and id",
    );
    check_picture("book/src/images/table-and-index.svg", &picture);
}
