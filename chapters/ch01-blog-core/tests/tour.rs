//! Keeps the tour honest: its output is snapshotted, and the book includes that snapshot.

#[allow(dead_code)]
#[path = "../examples/tour.rs"]
mod tour;

#[tokio::test]
async fn the_tour_prints_what_the_book_shows() {
    insta::assert_snapshot!(tour::tour().await);
}
