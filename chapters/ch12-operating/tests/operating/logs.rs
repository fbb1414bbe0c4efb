//! Both variants write one line per request in one shape: chapter 5's parity table goes to both
//! over real HTTP with the log captured, and every line both write is read back as JSON.

use ch01_blog_core::BlogError;
use ch01_blog_core::test_support::JsonBody;
use ch05_payloads::Backends;
use ch05_payloads::parity::{Side, cases};
use ch12_operating::log_lines::{self, FIELDS, Line, field_names};

use crate::{both_variants, capture_logs, case};

/// Every case of the parity table to both variants, with every line either writes captured: one
/// request line per answer, found by the answer's `x-request-id`, with the answer's status and
/// error code, and the same fields on both sides.
#[tokio::test]
async fn both_variants_write_one_line_per_request_in_one_shape() {
    let (captured, _logs) = capture_logs();
    let [functions, container] = both_variants().await;
    let (mut to_functions, mut to_container) = (Side::of(&functions), Side::of(&container));
    let mut answers = Vec::new();
    for case in cases() {
        answers.push((case.name, "functions", to_functions.send(&case).await));
        answers.push((case.name, "container", to_container.send(&case).await));
    }

    let lines = log_lines::parse(&captured.lines()).expect("every line is one JSON object");
    let mut by_answer: Vec<(&str, &str, &Line)> = Vec::new();
    let mut unanswered = 0;
    for (case, variant, answer) in &answers {
        let Some(id) = answer.headers.get("x-request-id") else {
            // A REST API's mock integrations answer a preflight and a 405 themselves: no function
            // runs, no line is written, and the answer carries API Gateway's `x-amzn-RequestId`.
            assert!(
                answer.headers.contains_key("x-amzn-requestid"),
                "{variant}: {case}"
            );
            assert_eq!(*variant, "functions", "{case}");
            unanswered += 1;
            continue;
        };
        let found = log_lines::of_request(&lines, id);
        assert_eq!(
            found.len(),
            1,
            "{variant}: {case}: one line for request {id}"
        );
        let line = found[0];
        assert_eq!(line["status"], answer.status, "{variant}: {case}");
        let code = answer.json_body().get("code").cloned();
        assert_eq!(line.get("code"), code.as_ref(), "{variant}: {case}");
        let names = field_names(line);
        assert!(
            names.iter().all(|name| FIELDS.contains(name)),
            "{variant}: {case}: {names:?}"
        );
        by_answer.push((case, variant, line));
    }
    let mocked = cases()
        .iter()
        .filter(|case| case.method == "OPTIONS" || case.status == 405)
        .count();
    assert_eq!(
        unanswered, mocked,
        "only the mock integrations' answers go without a line"
    );
    // The same fields for the same request on both sides.
    for pair in by_answer.chunks(2) {
        if let [
            (case, "functions", from_functions),
            (_, "container", from_container),
        ] = pair
        {
            // API Gateway passes every request a trace header; here no load balancer adds one
            // to the container's (on AWS it does, and its Root is the request id too).
            assert!(from_functions.contains_key("trace_id"), "{case}");
            fn without_trace(line: &log_lines::Line) -> Vec<&str> {
                let mut names = field_names(line);
                names.retain(|name| *name != "trace_id");
                names
            }
            assert_eq!(
                without_trace(from_functions),
                without_trace(from_container),
                "{case}"
            );
            for field in ["method", "route", "status", "store_op", "code"] {
                assert_eq!(
                    from_functions.get(field),
                    from_container.get(field),
                    "{case}: {field}"
                );
            }
        }
    }
    let requests = log_lines::requests(&lines).count();
    assert_eq!(
        requests,
        by_answer.len(),
        "a line for every answer, and no more"
    );
}

/// One create on each variant, its request line field by field: the table chapter 12 shows.
#[tokio::test]
async fn one_create_in_the_logs_of_both_variants() {
    let (captured, _logs) = capture_logs();
    let [functions, container] = both_variants().await;
    let create = case("create with an id");
    let from_functions = Side::of(&functions).send(&create).await;
    let from_container = Side::of(&container).send(&create).await;
    let lines = log_lines::parse(&captured.lines()).expect("every line is one JSON object");
    let line = |answer: &ch01_blog_core::test_support::raw_http::RawResponse| {
        let id = &answer.headers["x-request-id"];
        log_lines::of_request(&lines, id)[0].clone()
    };
    let table = log_lines::side_by_side(&line(&from_functions), &line(&from_container));
    insta::with_settings!({filters => vec![
        (r"\d{4}-\d\d-\d\dT[0-9:.]+Z", "`<time>`"),
        (r"local-\d{8}", "`<API Gateway's id>`"),
        (r"1-[0-9a-f]{8}-[0-9a-f]{24}", "`<API Gateway's trace root>`"),
        (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "`<random id>`"),
        (r"\| \d+\.\d+ ", "| `<ms>` "),
    ]}, {
        insta::assert_snapshot!(table);
    });
}

/// A store that never answers in time, as DynamoDB does when it throttles.
struct Unreachable;

#[async_trait::async_trait]
impl ch01_blog_core::PostStore for Unreachable {
    async fn create(&self, _: &ch01_blog_core::Post) -> Result<ch01_blog_core::Post, BlogError> {
        Err(unreachable())
    }
    async fn get(&self, _: &str) -> Result<ch01_blog_core::Post, BlogError> {
        Err(unreachable())
    }
    async fn list(
        &self,
        _: usize,
        _: Option<&ch01_blog_core::Cursor>,
    ) -> Result<ch01_blog_core::Page, BlogError> {
        Err(unreachable())
    }
    async fn delete(&self, _: &str) -> Result<(), BlogError> {
        Err(unreachable())
    }
}

const DETAIL: &str = "dispatch failure: timed out after 3.1 s";

fn unreachable() -> BlogError {
    BlogError::StoreUnavailable {
        detail: DETAIL.to_owned(),
    }
}

/// When the store fails, the line is an `ERROR` with the error's code and its detail, which the
/// client's answer never carries.
#[tokio::test]
async fn a_store_failure_is_an_error_line_with_its_detail_on_both() {
    let (captured, _logs) = capture_logs();
    let blog = || ch01_blog_core::Blog::new(std::sync::Arc::new(Unreachable));
    let [functions, container] = Backends::start(blog(), blog()).await.variants();
    let get = case("get a post");
    for variant in [&functions, &container] {
        let answer = Side::of(variant).send(&get).await;
        assert_eq!(answer.status, 503, "{}", variant.name);
        assert!(!String::from_utf8_lossy(&answer.body).contains(DETAIL));
        let lines = log_lines::parse(&captured.lines()).expect("JSON lines");
        let line = log_lines::of_request(&lines, &answer.headers["x-request-id"])[0].clone();
        assert_eq!(line["level"], "ERROR", "{}", variant.name);
        assert_eq!(line["code"], "store_unavailable", "{}", variant.name);
        assert_eq!(line["detail"], DETAIL, "{}", variant.name);
        assert_eq!(line["store_op"], "get", "{}", variant.name);
    }
}
