//! Build it, chapter 1: the exercise's test. It is compiled only with the crate's `build-it`
//! feature (`cargo test -p ch01-blog-core --features build-it --test core build_it`), and fails
//! until the reader's change is made.

use ch01_blog_core::http::StatusCode;
use ch01_blog_core::test_support::{JsonBody, deterministic_blog};

use crate::operations::list;

/// A list with a query parameter the API does not know is a `400` that names it, as a create
/// with an unknown field is: `?limt=5` must not quietly mean the default page size.
#[tokio::test]
async fn an_unknown_query_parameter_is_a_400_that_names_it() {
    let blog = deterministic_blog();
    let response = blog.handle(&list(&[("limt", "5")])).await;
    assert_eq!(
        response.status,
        StatusCode::BAD_REQUEST,
        "GET /blog?limt=5 answered {}",
        response.json_body()
    );
    assert_eq!(response.json_body()["code"], "bad_request");
    let message = response.json_body()["message"].to_string();
    assert!(message.contains("limt"), "the message names it: {message}");
    // A parameter the list knows still works.
    let known = blog.handle(&list(&[("limit", "5")])).await;
    assert_eq!(known.status, StatusCode::OK, "{}", known.json_body());
}
