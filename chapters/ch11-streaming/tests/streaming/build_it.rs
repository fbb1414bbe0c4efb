//! Build it, chapter 11: the exercise's test. It is compiled only with the crate's `build-it`
//! feature (`cargo test -p ch11-streaming --features build-it --test streaming build_it`), and
//! fails until the reader's change is made.

use std::sync::Arc;

use ch01_blog_core::{Post, PostStore};
use ch02_dynamodb::local::LocalDynamo;
use ch11_streaming::export::{EXPORT_PAGE_POSTS, end_line};
use ch11_streaming::function::respond_buffered;
use chrono::{TimeZone as _, Utc};
use lambda_http::Body;
use serde_json::Value;

use super::{container, get, json_lines};

/// `GET /export?author=Ana` exports Ana's posts alone, newest first, and its last line counts
/// them, from the container and from the function alike; `GET /export` still exports every post.
#[tokio::test]
async fn an_export_can_hold_one_authors_posts() {
    let store = LocalDynamo::shared().fresh_store().await;
    // More than two pages of the export, the two authors taking turns.
    let posts = 2 * EXPORT_PAGE_POSTS + 5;
    for n in 0..posts {
        let post = Post {
            id: format!("post-{n:02}"),
            title: format!("Post {n}"),
            author: if n % 2 == 0 { "Ana" } else { "Ben" }.to_owned(),
            contents: "Hello".to_owned(),
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
                + chrono::Duration::seconds(n as i64),
        };
        store.create(&post).await.expect("moto stores the post");
    }
    let anas: Vec<String> = (0..posts)
        .rev()
        .filter(|n| n % 2 == 0)
        .map(|n| format!("post-{n:02}"))
        .collect();

    let address = container(store.clone()).await;
    let from_container = get(address, "/export?author=Ana").await.body;
    let request = lambda_http::http::Request::builder()
        .uri("/export?author=Ana")
        .body(Body::Empty)
        .expect("a request");
    let answer = respond_buffered(Arc::new(store.clone()), request)
        .await
        .expect("the function answers");
    let from_function = answer.body().to_vec();

    for (variant, body) in [
        ("container", from_container),
        ("function", from_function.into()),
    ] {
        let lines = json_lines(&body);
        let ids: Vec<&str> = lines
            .iter()
            .filter_map(|line| line["id"].as_str())
            .collect();
        assert_eq!(ids, anas, "{variant}: the posts exported");
        let last = serde_json::from_str::<Value>(&end_line(anas.len())).unwrap();
        assert_eq!(
            lines.last(),
            Some(&last),
            "{variant}: the last line counts them"
        );
    }

    let every = get(address, "/export").await.body;
    assert_eq!(
        json_lines(&every).len(),
        posts + 1,
        "GET /export still exports every post, and its end line"
    );
}
