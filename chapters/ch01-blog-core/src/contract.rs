//! The store contract: what every [`PostStore`] must do, written once.
//!
//! Each function below is one behaviour. [`store_contract_tests!`](crate::store_contract_tests)
//! turns all of them into `#[tokio::test]`s for a given store, so `MemoryStore` (in this crate)
//! and `DynamoStore` (chapter 2, on a real DynamoDB-compatible server) pass the very same suite.

use std::collections::HashSet;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use tokio::task::JoinSet;

use crate::{BlogError, CONTENTS_MAX_CHARS, Cursor, Post, PostStore};

/// Generates one test per contract behaviour. `$make_store` is an async fn returning a fresh,
/// empty `Arc<dyn PostStore>`; every test gets its own.
#[macro_export]
macro_rules! store_contract_tests {
    ($make_store:path) => {
        $crate::store_contract_tests!(@each $make_store;
            duplicate_id_is_a_conflict_and_keeps_the_first_post,
            an_identical_retry_answers_like_the_first_create,
            get_of_a_missing_id_is_not_found,
            delete_of_a_missing_id_is_not_found,
            delete_removes_the_post_from_get_and_list,
            an_empty_store_lists_nothing,
            pages_of_two_walk_seven_posts_newest_first,
            equal_timestamps_are_ordered_by_id_descending,
            a_cursor_stays_valid_after_its_post_is_deleted,
            a_forged_cursor_is_only_a_position_in_the_feed,
            the_list_stays_complete_past_one_megabyte,
            unicode_and_maximum_size_fields_round_trip,
            fifty_concurrent_creates_with_distinct_ids_all_land,
            twenty_concurrent_creates_of_one_id_give_exactly_one_success,
        );
    };
    (@each $make_store:path; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() {
                $crate::contract::$name($make_store().await).await;
            }
        )*
    };
}

/// A post created `seconds` after 2026-01-01T00:00:00Z.
pub fn post_at(id: &str, seconds: i64) -> Post {
    Post {
        id: id.to_owned(),
        title: format!("Title of {id}"),
        author: "Contract".to_owned(),
        contents: format!("Contents of {id}"),
        created_at: start() + TimeDelta::seconds(seconds),
    }
}

fn start() -> DateTime<Utc> {
    "2026-01-01T00:00:00Z".parse().expect("a valid timestamp")
}

/// Every post in the store, by following cursors with pages of `limit`; also returns the page
/// sizes so tests can check where the pages broke.
pub async fn walk(store: &dyn PostStore, limit: usize) -> (Vec<Post>, Vec<usize>) {
    let mut posts = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor: Option<Cursor> = None;
    loop {
        let page = store.list(limit, cursor.as_ref()).await.expect("list");
        assert!(page.posts.len() <= limit, "a page exceeded its limit");
        sizes.push(page.posts.len());
        posts.extend(page.posts);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return (posts, sizes),
        }
        assert!(sizes.len() < 1_000, "the cursor never reached the end");
    }
}

fn ids(posts: &[Post]) -> Vec<&str> {
    posts.iter().map(|post| post.id.as_str()).collect()
}

pub async fn duplicate_id_is_a_conflict_and_keeps_the_first_post(store: Arc<dyn PostStore>) {
    let first = post_at("same", 0);
    store.create(&first).await.unwrap();
    let mut second = post_at("same", 5);
    second.title = "A different title".to_owned();
    second.contents = "This must not overwrite the first post".to_owned();
    let err = store.create(&second).await.unwrap_err();
    assert!(
        matches!(err, BlogError::Conflict(ref id) if id == "same"),
        "{err:?}"
    );
    assert_eq!(store.get("same").await.unwrap(), first);
    let (all, _) = walk(&*store, 10).await;
    assert_eq!(all, vec![first], "the list must hold the first post once");
}

pub async fn an_identical_retry_answers_like_the_first_create(store: Arc<dyn PostStore>) {
    let first = post_at("retried", 0);
    assert_eq!(store.create(&first).await.unwrap(), first);
    // The same create again (its first answer was lost), stamped a little later by the server:
    // it succeeds, and answers with the post stored the first time.
    let retry = post_at("retried", 3);
    assert_eq!(store.create(&retry).await.unwrap(), first);
    let (all, _) = walk(&*store, 10).await;
    assert_eq!(all, vec![first], "the list holds the post once");
}

pub async fn get_of_a_missing_id_is_not_found(store: Arc<dyn PostStore>) {
    store.create(&post_at("present", 0)).await.unwrap();
    let err = store.get("absent").await.unwrap_err();
    assert_eq!(err.code(), "not_found", "{err:?}");
}

pub async fn delete_of_a_missing_id_is_not_found(store: Arc<dyn PostStore>) {
    store.create(&post_at("present", 0)).await.unwrap();
    let err = store.delete("absent").await.unwrap_err();
    assert_eq!(err.code(), "not_found", "{err:?}");
    assert!(
        store.get("present").await.is_ok(),
        "other posts are untouched"
    );
}

pub async fn delete_removes_the_post_from_get_and_list(store: Arc<dyn PostStore>) {
    store.create(&post_at("keep", 0)).await.unwrap();
    store.create(&post_at("drop", 1)).await.unwrap();
    store.delete("drop").await.unwrap();
    assert_eq!(store.get("drop").await.unwrap_err().code(), "not_found");
    assert_eq!(store.delete("drop").await.unwrap_err().code(), "not_found");
    let (all, _) = walk(&*store, 10).await;
    assert_eq!(ids(&all), ["keep"]);
}

pub async fn an_empty_store_lists_nothing(store: Arc<dyn PostStore>) {
    let page = store.list(20, None).await.unwrap();
    assert!(page.posts.is_empty());
    assert_eq!(page.next, None);
}

pub async fn pages_of_two_walk_seven_posts_newest_first(store: Arc<dyn PostStore>) {
    // Created out of order, so the store (not insertion order) must sort them.
    for (id, seconds) in [
        ("p3", 3),
        ("p1", 1),
        ("p7", 7),
        ("p5", 5),
        ("p2", 2),
        ("p6", 6),
        ("p4", 4),
    ] {
        store.create(&post_at(id, seconds)).await.unwrap();
    }
    let (all, sizes) = walk(&*store, 2).await;
    assert_eq!(ids(&all), ["p7", "p6", "p5", "p4", "p3", "p2", "p1"]);
    assert_eq!(
        sizes,
        [2, 2, 2, 1],
        "the last page is short and has no next cursor"
    );

    // A page that ends exactly at the last post says there is no more.
    let page = store.list(7, None).await.unwrap();
    assert_eq!(page.posts.len(), 7);
    assert_eq!(page.next, None);
}

pub async fn equal_timestamps_are_ordered_by_id_descending(store: Arc<dyn PostStore>) {
    for id in ["b", "e", "a", "d", "c"] {
        store.create(&post_at(id, 10)).await.unwrap();
    }
    store.create(&post_at("older", 9)).await.unwrap();
    store.create(&post_at("newer", 11)).await.unwrap();
    let (all, sizes) = walk(&*store, 2).await;
    assert_eq!(ids(&all), ["newer", "e", "d", "c", "b", "a", "older"]);
    assert_eq!(sizes, [2, 2, 2, 1], "ties split across pages lose nothing");
}

pub async fn a_cursor_stays_valid_after_its_post_is_deleted(store: Arc<dyn PostStore>) {
    for seconds in 1..=5 {
        store
            .create(&post_at(&format!("p{seconds}"), seconds))
            .await
            .unwrap();
    }
    let first = store.list(2, None).await.unwrap();
    assert_eq!(ids(&first.posts), ["p5", "p4"]);
    store.delete("p4").await.unwrap();
    let second = store.list(2, first.next.as_ref()).await.unwrap();
    assert_eq!(ids(&second.posts), ["p3", "p2"]);
}

pub async fn a_forged_cursor_is_only_a_position_in_the_feed(store: Arc<dyn PostStore>) {
    // A client can write any cursor that decodes: it names a position, and the store reads the
    // posts after that position in the feed, never anything else.
    for seconds in 1..=3 {
        store
            .create(&post_at(&format!("p{seconds}"), seconds))
            .await
            .unwrap();
    }
    let read = |text: String| {
        let store = Arc::clone(&store);
        async move {
            let cursor = Cursor::decode(&URL_SAFE_NO_PAD.encode(&text)).expect(&text);
            let page = store.list(10, Some(&cursor)).await.unwrap();
            page.posts
                .into_iter()
                .map(|post| post.id)
                .collect::<Vec<_>>()
        }
    };
    // Past the newest post, at a post that was never stored, before the oldest, and with
    // another time zone and more digits than the store writes.
    assert_eq!(
        read("2999-01-01T00:00:00.000Z#zzz".into()).await,
        ["p3", "p2", "p1"]
    );
    assert_eq!(
        read("2026-01-01T00:00:02.500Z#nope".into()).await,
        ["p2", "p1"]
    );
    assert!(read("1970-01-01T00:00:00.000Z#a".into()).await.is_empty());
    assert_eq!(
        read("2026-01-01T01:00:02.9+01:00#p".into()).await,
        ["p2", "p1"]
    );
    // Stored times have milliseconds only: finer digits are dropped, so both stores read the
    // same position (DynamoDB compares the sort key text, which has milliseconds only).
    assert_eq!(
        read("2026-01-01T00:00:03.000999Z#p3".into()).await,
        ["p2", "p1"]
    );
}

pub async fn the_list_stays_complete_past_one_megabyte(store: Arc<dyn PostStore>) {
    // Eight posts of 50,000 four-byte characters each: about 1.6 MB, more than one DynamoDB
    // page (1 MB), so a store that reads only the first page of its database loses posts.
    let contents = "\u{1F980}".repeat(CONTENTS_MAX_CHARS);
    let mut total_bytes = 0;
    for n in 1..=8 {
        let mut post = post_at(&format!("big{n}"), n);
        post.contents = contents.clone();
        total_bytes += post.contents.len();
        store.create(&post).await.unwrap();
    }
    assert!(total_bytes > 1_500_000, "the data set must exceed 1 MB");

    let page = store.list(100, None).await.unwrap();
    assert_eq!(
        ids(&page.posts),
        [
            "big8", "big7", "big6", "big5", "big4", "big3", "big2", "big1"
        ]
    );
    assert_eq!(page.next, None);
    assert!(page.posts.iter().all(|post| post.contents == contents));

    let (all, sizes) = walk(&*store, 3).await;
    assert_eq!(all.len(), 8);
    assert_eq!(sizes, [3, 3, 2]);
}

pub async fn unicode_and_maximum_size_fields_round_trip(store: Arc<dyn PostStore>) {
    // Every field at its maximum length in characters, with characters of every UTF-8 width,
    // a combining accent, right-to-left text and characters JSON must escape.
    let title: String = "aé€🦀\u{0301}שׁ\"\\\n".chars().cycle().take(200).collect();
    let author: String = "Zoë 李 ".chars().cycle().take(100).collect();
    let contents: String = "ü🦀<b>&</b>\u{0000}"
        .chars()
        .cycle()
        .take(CONTENTS_MAX_CHARS)
        .collect();
    let post = Post {
        id: "A".repeat(32) + &"z_-9".repeat(8),
        title,
        author,
        contents,
        created_at: start() + TimeDelta::milliseconds(123),
    };
    assert_eq!(post.id.len(), 64);
    store.create(&post).await.unwrap();
    assert_eq!(store.get(&post.id).await.unwrap(), post);
    assert_eq!(store.list(1, None).await.unwrap().posts, vec![post]);
}

pub async fn fifty_concurrent_creates_with_distinct_ids_all_land(store: Arc<dyn PostStore>) {
    let mut tasks = JoinSet::new();
    for n in 0..50 {
        let store = Arc::clone(&store);
        tasks.spawn(async move { store.create(&post_at(&format!("c{n:02}"), n)).await });
    }
    while let Some(result) = tasks.join_next().await {
        result.expect("task").expect("create");
    }
    let (all, _) = walk(&*store, 100).await;
    let found: HashSet<&str> = ids(&all).into_iter().collect();
    assert_eq!(found.len(), 50);
    assert_eq!(all.first().unwrap().id, "c49");
}

pub async fn twenty_concurrent_creates_of_one_id_give_exactly_one_success(
    store: Arc<dyn PostStore>,
) {
    let mut tasks = JoinSet::new();
    for n in 0..20 {
        let store = Arc::clone(&store);
        tasks.spawn(async move {
            let mut post = post_at("contested", n);
            post.contents = format!("written by task {n}");
            (post.clone(), store.create(&post).await)
        });
    }
    let mut winners = Vec::new();
    while let Some(result) = tasks.join_next().await {
        match result.expect("task") {
            (post, Ok(stored)) => {
                assert_eq!(stored, post, "the winner is stored as written");
                winners.push(post);
            }
            (_, Err(BlogError::Conflict(id))) => assert_eq!(id, "contested"),
            (_, Err(other)) => panic!("expected a conflict, got {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one create may succeed");
    assert_eq!(store.get("contested").await.unwrap(), winners[0]);
    let (all, _) = walk(&*store, 100).await;
    assert_eq!(all, winners, "the feed holds the winner once");
}
