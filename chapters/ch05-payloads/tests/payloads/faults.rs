//! The store fails, in every way a network and DynamoDB can fail, under both variants: a fault
//! proxy sits between the DynamoDB client and moto. Each request must get the contract's
//! `503 store_unavailable` within the client's bound (short ones here: 200 ms to connect, 500 ms
//! an attempt, 1.5 s in all), the process must keep serving and recover by itself when the store
//! is back, and no write may be half done: after each fault, the post is either complete in the
//! table or not there at all, as each case says. The generated matrix is the book's.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::types::AttributeValue;
use ch01_blog_core::Blog;
use ch01_blog_core::test_support::JsonBody;
use ch02_dynamodb::DynamoStore;
use ch02_dynamodb::client::local_client_with;
use ch02_dynamodb::fault::{Fault, FaultProxy};
use ch02_dynamodb::local::LocalDynamo;
use ch05_payloads::{Backends, Variant};

/// The bounds of these tests: short, so that CI waits little.
fn short_timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_millis(200))
        .operation_attempt_timeout(Duration::from_millis(500))
        .operation_timeout(Duration::from_millis(1500))
        .build()
}

/// The longest a request may take to get its 503: the operation bound, and a margin for the
/// rest of the request.
const BOUND: Duration = Duration::from_millis(2500);

/// A moto server of the test's own: these tests time the client's bounds (500 ms an attempt), so
/// their store must not be slowed by other tests' load on the shared one.
fn timing_store() -> LocalDynamo {
    LocalDynamo::start().expect("start moto_server")
}

/// What the table must hold after a create that met a fault.
#[derive(Debug, Clone, Copy, PartialEq)]
enum After {
    /// The write never reached the table.
    Absent,
    /// The write reached the table, whole, although its answer was lost.
    Complete,
}

/// What a test asks one variant.
trait Asks {
    async fn create(&self, id: &str) -> (u16, Duration);
    async fn get(&self, id: &str) -> (u16, Duration);
}

impl Asks for Variant {
    async fn create(&self, id: &str) -> (u16, Duration) {
        let body = format!(
            r#"{{"id":"{id}","title":"Fault","author":"Ada","contents":"All or nothing"}}"#
        );
        let started = Instant::now();
        let answer = self.post_json(body.as_bytes()).await;
        if answer.status == 503 {
            assert_eq!(
                answer.json_body()["code"],
                "store_unavailable",
                "{}",
                self.name
            );
        }
        (answer.status, started.elapsed())
    }

    async fn get(&self, id: &str) -> (u16, Duration) {
        let started = Instant::now();
        let answer = self.send("GET", &format!("/blog/{id}"), &[], b"").await;
        (answer.status, started.elapsed())
    }
}

/// Whether the post `id` is in the table, read around the proxy; a post that is there must be
/// whole.
async fn stored(moto: &LocalDynamo, table: &str, id: &str) -> bool {
    let item = moto
        .client()
        .get_item()
        .table_name(table)
        .key("id", AttributeValue::S(id.into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item;
    match item {
        None => false,
        Some(item) => {
            for field in [
                "title",
                "author",
                "contents",
                "created_at",
                "feed",
                "feed_position",
            ] {
                assert!(
                    item.contains_key(field),
                    "{id} is missing {field}: {item:?}"
                );
            }
            true
        }
    }
}

/// One case of the matrix: a fault, what it is called, and what a create must answer and leave.
#[derive(Debug, Clone, Copy)]
struct Case {
    fault: Fault,
    label: &'static str,
    create_status: u16,
    after: After,
}

/// The matrix's cases, in the book's order.
const CASES: [Case; 7] = [
    Case::new(Fault::Refuse, "connections refused", 503, After::Absent),
    Case::new(
        Fault::Cut,
        "connections cut before an answer",
        503,
        After::Absent,
    ),
    Case::new(Fault::Stall, "no answer at all", 503, After::Absent),
    Case::new(
        Fault::Throttle,
        "throttled (400 ThrottlingException)",
        503,
        After::Absent,
    ),
    Case::new(
        Fault::Garbage,
        "an answer that is not DynamoDB's",
        503,
        After::Absent,
    ),
    Case::new(
        Fault::DropAnswer,
        "every answer lost after the write",
        503,
        After::Complete,
    ),
    Case::new(
        Fault::DropOneAnswer,
        "the first answer lost, the retry answered",
        201,
        After::Complete,
    ),
];

impl Case {
    const fn new(fault: Fault, label: &'static str, create_status: u16, after: After) -> Self {
        Self {
            fault,
            label,
            create_status,
            after,
        }
    }

    /// Runs the case on one variant, whose store goes through `proxy`; returns what it answered
    /// and left: the create's status, the read's, and the post in the table afterwards.
    async fn run(
        self,
        n: usize,
        variant: &Variant,
        proxy: &FaultProxy,
        moto: &LocalDynamo,
        table: &str,
    ) -> (u16, u16, &'static str) {
        let Case {
            fault,
            label,
            create_status,
            after,
        } = self;
        let id = format!("fault-{n}-{}", variant.name);
        proxy.set(fault);
        let (status, took) = variant.create(&id).await;
        assert_eq!(status, create_status, "{label}, {}: create", variant.name);
        assert!(took < BOUND, "{label}, {}: took {took:?}", variant.name);
        // A read meets the same fault (the one-time fault has passed by now: the read works).
        let (read_status, read_took) = variant.get(&id).await;
        let expected_read = if fault == Fault::DropOneAnswer {
            200
        } else {
            503
        };
        assert_eq!(
            read_status, expected_read,
            "{label}, {}: read",
            variant.name
        );
        assert!(
            read_took < BOUND,
            "{label}, {}: read took {read_took:?}",
            variant.name
        );

        // The store is back: the same process serves again, by itself.
        proxy.set(Fault::None);
        let is_stored = stored(moto, table, &id).await;
        assert_eq!(
            is_stored,
            after == After::Complete,
            "{label}, {}",
            variant.name
        );
        let (again, _) = variant.create(&format!("{id}-after")).await;
        assert_eq!(again, 201, "{label}, {}: after the fault", variant.name);
        let left = match after {
            After::Absent => "not there",
            After::Complete => "there, complete",
        };
        (status, read_status, left)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_fault_is_a_503_in_time_and_no_write_is_half_done() {
    let moto = &timing_store();
    let table = moto.fresh_store().await.table().to_owned();
    // A proxy for each variant's store, so that both meet each fault at once, each its own.
    let proxies = [
        FaultProxy::start(moto.endpoint()).await.unwrap(),
        FaultProxy::start(moto.endpoint()).await.unwrap(),
    ];
    let store = |proxy: &FaultProxy| {
        Arc::new(DynamoStore::new(
            local_client_with(&proxy.endpoint(), short_timeouts()),
            &table,
        ))
    };
    let [functions, container] =
        Backends::start(Blog::new(store(&proxies[0])), Blog::new(store(&proxies[1])))
            .await
            .variants();
    // One row per fault: both variants must answer it alike (the rows are the same for both).
    let mut matrix = String::from(
        "<!-- ANCHOR: matrix -->\n| fault | create answers | read answers | the post after |\n|---|---:|---:|---|\n",
    );
    for (n, case) in CASES.into_iter().enumerate() {
        let label = case.label;
        let (from_functions, from_container) = tokio::join!(
            case.run(n, &functions, &proxies[0], moto, &table),
            case.run(n, &container, &proxies[1], moto, &table),
        );
        assert_eq!(from_functions, from_container, "{label}: the two variants");
        let (create, read, left) = from_functions;
        writeln!(matrix, "| {label} | {create} | {read} | {left} |").unwrap();
    }
    writeln!(
        matrix,
        "\nBoth variants, every row: the same answers, each within {} ms, and the post in the \
         table whole or not at all, as the last column says.",
        BOUND.as_millis()
    )
    .unwrap();
    matrix.push_str("<!-- ANCHOR_END: matrix -->\n");
    insta::assert_snapshot!(matrix);
}

/// The real bound, once: with the client's own timeouts (2 s to connect, 5 s an attempt, 12 s in
/// all), a store that never answers is a 503 after about 12 s: inside the functions' 20 s timeout
/// and API Gateway's 29 s.
#[tokio::test]
async fn a_silent_store_is_a_503_within_the_real_12_second_bound() {
    let moto = &timing_store();
    let table = moto.fresh_store().await.table().to_owned();
    let proxy = FaultProxy::start(moto.endpoint()).await.unwrap();
    let store = Arc::new(DynamoStore::new(
        ch02_dynamodb::client::local_client(&proxy.endpoint()),
        &table,
    ));
    let blog = Blog::new(store);
    let [functions, _] = Backends::start(blog.clone(), blog).await.variants();
    proxy.set(Fault::Stall);
    let (status, took) = functions.get("anything").await;
    assert_eq!(status, 503);
    assert!(took < Duration::from_secs(13), "took {took:?}");
    assert!(took >= Duration::from_secs(9), "gave up early: {took:?}");
}
