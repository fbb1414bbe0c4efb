//! Races and load, under both variants and on both stores: many creates at once all land and are
//! each listed exactly once; creates of one id with different posts give exactly one `201`;
//! deletes of one post give exactly one `204`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use ch01_blog_core::test_support::JsonBody;
use ch01_blog_core::test_support::raw_http::send;
use ch01_blog_core::{Blog, MemoryStore, PostStore};
use ch02_dynamodb::local::LocalDynamo;
use ch03_functions::STAGE;
use ch05_payloads::Backends;
use tokio::task::JoinSet;

#[derive(Clone)]
struct Variant {
    name: &'static str,
    address: SocketAddr,
    prefix: String,
}

async fn variants(store: Arc<dyn PostStore>) -> [Variant; 2] {
    let blog = Blog::new(store);
    let backends = Backends::start(blog.clone(), blog).await;
    [
        Variant {
            name: "functions",
            address: backends.functions,
            prefix: format!("/{STAGE}"),
        },
        Variant {
            name: "container",
            address: backends.container,
            prefix: String::new(),
        },
    ]
}

async fn create(variant: &Variant, id: &str, contents: &str) -> u16 {
    let body = format!(r#"{{"id":"{id}","title":"Race","author":"Ada","contents":"{contents}"}}"#);
    send(
        variant.address,
        "POST",
        &format!("{}/blog", variant.prefix),
        &[("content-type", "application/json")],
        body.as_bytes(),
    )
    .await
    .unwrap()
    .status
}

/// Every id in the feed, walking it page by page.
async fn walk(variant: &Variant) -> Vec<String> {
    let mut ids = Vec::new();
    let mut target = format!("{}/blog?limit=100", variant.prefix);
    loop {
        let page = send(variant.address, "GET", &target, &[], b"")
            .await
            .unwrap();
        assert_eq!(page.status, 200, "{target}");
        let page = page.json_body();
        ids.extend(
            page["posts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|post| post["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => target = format!("{}/blog?limit=100&cursor={cursor}", variant.prefix),
            None => return ids,
        }
    }
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
        // 1,000 creates with distinct ids, 50 connections at a time.
        let mut tasks = JoinSet::new();
        for worker in 0..50 {
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
        assert_eq!(statuses(answers), HashMap::from([(201, 1000)]), "{who}");
        let listed: Vec<String> = walk(&variant)
            .await
            .into_iter()
            .filter(|id| id.starts_with(variant.name))
            .collect();
        let mut unique = listed.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(listed.len(), 1000, "{who}: every post listed");
        assert_eq!(unique.len(), 1000, "{who}: no post listed twice");

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
        let target = format!("{}/blog/{}-contested", variant.prefix, variant.name);
        let mut tasks = JoinSet::new();
        for _ in 0..20 {
            let (address, target) = (variant.address, target.clone());
            tasks.spawn(async move {
                send(address, "DELETE", &target, &[], b"")
                    .await
                    .unwrap()
                    .status
            });
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
