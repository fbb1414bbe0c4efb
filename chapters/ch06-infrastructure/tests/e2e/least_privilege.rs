//! Least privilege, proven from the code: every DynamoDB call each function and the server
//! really send is recorded (an SDK interceptor on a client pointed at moto) while each function
//! opens its connection as it does at init and every request runs, through its success and
//! failure paths; the synthesized template must grant each role exactly the calls recorded for
//! it; the same for chapter 10's two functions. Nothing here lists the expected permissions: add a store call to the Rust code, or drop a
//! grant from the stack, and this test fails.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use bytes::Bytes;
use ch01_blog_core::Blog;
use ch01_blog_core::http::{Request, Response};
use ch02_dynamodb::DynamoStore;
use ch02_dynamodb::local::LocalDynamo;
use ch03_functions::{Endpoint, LocalApiGateway, STAGE};
use ch06_infrastructure::template::{DynamoGrants, Template};
use http_body_util::Full;

/// Records `(dynamodb:<Operation>, table | index/<name>)` for every request the client sends,
/// read off the request itself: the operation from `X-Amz-Target`, the index from the body.
#[derive(Debug, Clone, Default)]
struct Recorder {
    calls: Arc<Mutex<DynamoGrants>>,
    table: String,
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "Recorder"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        let target = request.headers().get("x-amz-target").unwrap_or_default();
        let operation = target.rsplit('.').next().unwrap_or_default();
        let body: serde_json::Value =
            serde_json::from_slice(request.body().bytes().unwrap_or_default())?;
        assert_eq!(body["TableName"], self.table.as_str(), "{target}");
        let on = match body["IndexName"].as_str() {
            Some(index) => format!("index/{index}"),
            None => "table".to_owned(),
        };
        self.calls
            .lock()
            .unwrap()
            .insert((format!("dynamodb:{operation}"), on));
        Ok(())
    }
}

impl Recorder {
    fn take(&self) -> DynamoGrants {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}

/// A fresh table with a few posts in it, and a store on it whose client records its calls.
async fn recorded_store() -> (DynamoStore, Recorder) {
    let server = LocalDynamo::shared();
    let seeded = server.fresh_store().await;
    let blog = Blog::new(Arc::new(seeded.clone()));
    for n in 0..3 {
        let body = format!(r#"{{"id":"seed-{n}","title":"t","author":"a","contents":"c"}}"#);
        let created = blog
            .create_post(&ch01_blog_core::test_support::json_request(
                ch01_blog_core::http::Method::POST,
                &body,
            ))
            .await;
        assert_eq!(created.status.as_u16(), 201);
    }
    let recorder = Recorder {
        table: seeded.table().to_owned(),
        ..Recorder::default()
    };
    let config = server
        .client()
        .config()
        .to_builder()
        .interceptor(recorder.clone())
        .build();
    let client = aws_sdk_dynamodb::Client::from_conf(config);
    (DynamoStore::new(client, seeded.table()), recorder)
}

/// Every request of one endpoint: what it does when it succeeds and every way it can fail.
/// (`seed-0` to `seed-2` exist; the page cursor is a real one.)
fn requests_of(endpoint: Endpoint, cursor: &str) -> Vec<(&'static str, String, &'static str)> {
    let post = r#"{"id":"new-one","title":"New","author":"Ada","contents":"Recorded"}"#;
    let other = r#"{"id":"new-one","title":"Other","author":"Bo","contents":"Conflict"}"#;
    match endpoint {
        Endpoint::GetPosts => vec![
            ("GET", "/blog".into(), ""),
            ("GET", "/blog?limit=1".into(), ""),
            ("GET", format!("/blog?limit=1&cursor={cursor}"), ""),
            ("GET", "/blog?cursor=not-a-cursor".into(), ""),
            ("GET", "/blog?limit=0".into(), ""),
        ],
        Endpoint::CreatePost => vec![
            ("POST", "/blog".into(), post),
            ("POST", "/blog".into(), post),  // the same again: a retry
            ("POST", "/blog".into(), other), // another post, same id: 409
            ("POST", "/blog".into(), r#"{"title":"#),
            (
                "POST",
                "/blog".into(),
                r#"{"title":"","author":"a","contents":"c"}"#,
            ),
        ],
        Endpoint::GetPost => vec![
            ("GET", "/blog/seed-1".into(), ""),
            ("GET", "/blog/missing".into(), ""),
            ("GET", "/blog/not%20an%20id".into(), ""),
        ],
        Endpoint::DeletePost => vec![
            ("DELETE", "/blog/seed-2".into(), ""),
            ("DELETE", "/blog/seed-2".into(), ""),
            ("DELETE", "/blog/missing".into(), ""),
        ],
    }
}

fn request(method: &str, target: &str, body: &'static str) -> Request<Bytes> {
    Request::builder()
        .method(method)
        .uri(target)
        .header("content-type", "application/json")
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap()
}

/// A cursor a page really gave out, so the cursor path reaches the store.
fn a_real_cursor() -> String {
    ch01_blog_core::Cursor::of(&ch01_blog_core::contract::post_at("seed-1", 0)).encode()
}

fn template() -> Template {
    Template::load().unwrap_or_else(|err| panic!("{err:#}"))
}

fn show(grants: &DynamoGrants) -> String {
    format!("{grants:#?}")
}

/// Every request of `endpoint` through a local API Gateway, below its stage; none may fail with 5xx.
async fn send_every_request_of(endpoint: Endpoint, gateway: &LocalApiGateway) {
    for (method, target, body) in requests_of(endpoint, &a_real_cursor()) {
        let response: Response<Bytes> = gateway
            .handle(
                request(method, &format!("/{STAGE}{target}"), body),
                "127.0.0.1",
            )
            .await;
        assert!(
            response.status().as_u16() < 500,
            "{method} {target}: {response:?}"
        );
    }
}

#[tokio::test]
async fn each_function_may_make_exactly_the_calls_it_makes() {
    let template = template();
    for endpoint in Endpoint::ALL {
        let (store, recorder) = recorded_store().await;
        // What the function does at init: open its connection with its own operation's call.
        store
            .open_connection(endpoint.store_operation())
            .await
            .unwrap_or_else(|err| panic!("{endpoint:?} at init: {err}"));
        let gateway = LocalApiGateway::new(Blog::new(Arc::new(store)));
        send_every_request_of(endpoint, &gateway).await;
        // ANCHOR: compare
        let recorded = recorder.take();
        assert!(!recorded.is_empty(), "{endpoint:?} made no call");
        let policy = format!(
            "ServerlessBlog/Functions/{}/Role/DefaultPolicy/Resource",
            endpoint.function_name()
        );
        let granted = template.dynamodb_grants(&policy);
        assert_eq!(
            granted,
            recorded,
            "{}: the stack grants\n{}\nbut the code calls\n{}",
            endpoint.function_name(),
            show(&granted),
            show(&recorded)
        );
        // ANCHOR_END: compare
    }
}

/// Chapter 10's one function: at init it opens its connection with a read, then every request of
/// every endpoint reaches chapter 4's router through `{proxy+}`.
#[tokio::test]
async fn the_one_function_may_make_exactly_the_calls_it_makes() {
    let template = template();
    let (store, recorder) = recorded_store().await;
    store
        .open_connection(ch01_blog_core::StoreOperation::Get)
        .await
        .unwrap_or_else(|err| panic!("the one function at init: {err}"));
    let app = ch04_container::router::App {
        blog: Blog::new(Arc::new(store)),
        body_timeout: ch10_between::BODY_TIMEOUT,
    };
    let gateway = LocalApiGateway::for_backend(ch10_between::backend(app));
    for endpoint in Endpoint::ALL {
        send_every_request_of(endpoint, &gateway).await;
    }
    let recorded = recorder.take();
    let granted = template.dynamodb_grants(&format!(
        "ServerlessBlog/OneFunction/{}/Role/DefaultPolicy/Resource",
        ch10_between::FUNCTION_NAME
    ));
    assert_grants_match(&granted, &recorded, "the one function's role", "its router");
}

/// Chapter 10's web adapter: the container's server, started as Lambda starts it beside the real
/// Lambda Web Adapter, gets every request of every endpoint through `{proxy+}` and the adapter.
#[tokio::test]
async fn the_web_adapter_function_may_make_exactly_the_calls_its_server_makes() {
    let template = template();
    let (store, recorder) = recorded_store().await;
    let app = ch04_container::router::App {
        blog: Blog::new(Arc::new(store)),
        body_timeout: ch10_between::BODY_TIMEOUT,
    };
    let environment = ch10_between::adapter::Environment::start(app)
        .await
        .unwrap_or_else(|err| panic!("the adapter's environment: {err:#}"));
    let gateway =
        LocalApiGateway::for_backend(ch10_between::adapter::backend(Arc::new(environment)));
    for endpoint in Endpoint::ALL {
        send_every_request_of(endpoint, &gateway).await;
    }
    let recorded = recorder.take();
    let granted = template.dynamodb_grants(&format!(
        "ServerlessBlog/WebAdapter/{}/Role/DefaultPolicy/Resource",
        ch10_between::adapter::ADAPTER_FUNCTION_NAME
    ));
    assert_grants_match(
        &granted,
        &recorded,
        "the web adapter function's role",
        "its server",
    );
}

#[tokio::test]
async fn the_task_may_make_exactly_the_calls_the_server_makes() {
    let template = template();
    let (store, recorder) = recorded_store().await;
    let app = ch04_container::router::App {
        blog: Blog::new(Arc::new(store)),
        body_timeout: std::time::Duration::from_secs(5),
    };
    for endpoint in Endpoint::ALL {
        for (method, target, body) in requests_of(endpoint, &a_real_cursor()) {
            let request = Request::builder()
                .method(method)
                .uri(&target)
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from_static(body.as_bytes())))
                .unwrap();
            let response = ch04_container::router::handle(&app, request).await;
            assert!(response.status().as_u16() < 500, "{method} {target}");
        }
    }
    let recorded = recorder.take();
    let granted = template.dynamodb_grants(
        "ServerlessBlog/Containers/TaskDefinition/TaskRole/DefaultPolicy/Resource",
    );
    assert_grants_match(&granted, &recorded, "the task role", "the server");
    let every_function: BTreeSet<_> = Endpoint::ALL
        .iter()
        .flat_map(|endpoint| {
            template.dynamodb_grants(&format!(
                "ServerlessBlog/Functions/{}/Role/DefaultPolicy/Resource",
                endpoint.function_name()
            ))
        })
        .collect();
    assert_eq!(
        granted, every_function,
        "the server does what the four functions do"
    );
}

/// The role grants exactly the calls recorded for the code it runs.
fn assert_grants_match(granted: &DynamoGrants, recorded: &DynamoGrants, role: &str, code: &str) {
    assert_eq!(
        granted,
        recorded,
        "{role} grants\n{}\nbut {code} calls\n{}",
        show(granted),
        show(recorded)
    );
}
