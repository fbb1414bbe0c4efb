//! Keeps the tour honest: its output is snapshotted, and the book includes that snapshot.

#[allow(dead_code)]
#[path = "../../examples/tour.rs"]
mod example;

#[tokio::test]
async fn the_tour_prints_what_the_book_shows() {
    insta::assert_snapshot!(example::tour().await);
}
