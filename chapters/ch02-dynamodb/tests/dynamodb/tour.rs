//! Runs the chapter's tour on moto and snapshots what it prints; the book includes the snapshot.

#[allow(dead_code)]
#[path = "../../examples/dynamodb_tour.rs"]
mod example;

use ch02_dynamodb::local::LocalDynamo;

#[tokio::test]
async fn the_tour_prints_what_the_book_shows() {
    let store = LocalDynamo::shared().fresh_store().await;
    let output = example::tour(store).await.expect("the tour runs");
    insta::assert_snapshot!(output);
}
