//! Races and load, under both variants and on both stores: many creates at once all land and are
//! each listed exactly once; creates of one id with different posts give exactly one `201`;
//! deletes of one post give exactly one `204`.

use std::collections::HashMap;
use std::sync::Arc;

use ch01_blog_core::{Blog, MemoryStore, PostStore};
use ch02_dynamodb::local::LocalDynamo;
use ch05_payloads::{Backends, Variant};
use tokio::task::JoinSet;

async fn variants(store: Arc<dyn PostStore>) -> [Variant; 2] {
    let blog = Blog::new(store);
    Backends::start(blog.clone(), blog).await.variants()
}

async fn create(variant: &Variant, id: &str, contents: &str) -> u16 {
    let body = format!(r#"{{"id":"{id}","title":"Race","author":"Ada","contents":"{contents}"}}"#);
    variant.post_json(body.as_bytes()).await.status
}

/// Counts of each status the requests got.
fn statuses(results: Vec<u16>) -> HashMap<u16, usize> {
    let mut counts = HashMap::new();
    for status in results {
        *counts.entry(status).or_default() += 1;
    }
    counts
}

async fn races(store: Arc<dyn PostStore>, store_name: &str) {
    for variant in variants(store).await {
        let who = format!("{} on {store_name}", variant.name);
        // 400 creates with distinct ids, 20 connections at a time.
        let mut tasks = JoinSet::new();
        for worker in 0..20 {
            let variant = variant.clone();
            tasks.spawn(async move {
                let mut answers = Vec::new();
                for n in 0..20 {
                    let id = format!("{}-{worker:02}-{n:02}", variant.name);
                    answers.push(create(&variant, &id, "one of many").await);
                }
                answers
            });
        }
        let answers = tasks.join_all().await.into_iter().flatten().collect();
        assert_eq!(statuses(answers), HashMap::from([(201, 400)]), "{who}");
        let listed: Vec<String> = variant
            .feed_ids(100)
            .await
            .into_iter()
            .filter(|id| id.starts_with(variant.name))
            .collect();
        let mut unique = listed.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(listed.len(), 400, "{who}: every post listed");
        assert_eq!(unique.len(), 400, "{who}: no post listed twice");

        // 100 creates of one id, each with its own contents: one wins.
        let mut tasks = JoinSet::new();
        for n in 0..100 {
            let variant = variant.clone();
            tasks.spawn(async move {
                create(
                    &variant,
                    &format!("{}-contested", variant.name),
                    &format!("by {n}"),
                )
                .await
            });
        }
        let answers = tasks.join_all().await;
        assert_eq!(
            statuses(answers),
            HashMap::from([(201, 1), (409, 99)]),
            "{who}"
        );

        // 20 deletes of one post at once: one deletes it.
        let path = format!("/blog/{}-contested", variant.name);
        let mut tasks = JoinSet::new();
        for _ in 0..20 {
            let (variant, path) = (variant.clone(), path.clone());
            tasks.spawn(async move { variant.send("DELETE", &path, &[], b"").await.status });
        }
        let answers = tasks.join_all().await;
        assert_eq!(
            statuses(answers),
            HashMap::from([(204, 1), (404, 19)]),
            "{who}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn races_on_the_memory_store() {
    races(Arc::new(MemoryStore::new()), "memory").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn races_on_dynamodb() {
    races(
        Arc::new(LocalDynamo::shared().fresh_store().await),
        "dynamodb",
    )
    .await;
}
