//! Properties of the core, over generated inputs (proptest): no input panics an operation, and
//! every answer has the contract's shape. CI runs the default number of cases; set
//! `PROPTEST_CASES` for a longer run.

use ch01_blog_core::http::Method;
use ch01_blog_core::test_support::{check_contract_shape, deterministic_blog};
use ch01_blog_core::{ApiRequest, Cursor, NewPost, escaped_json_len};
use proptest::prelude::*;

fn methods() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::GET),
        Just(Method::POST),
        Just(Method::DELETE),
        Just(Method::PUT),
        Just(Method::PATCH),
        Just(Method::OPTIONS),
        Just(Method::HEAD),
    ]
}

/// JSON-ish bodies: mostly objects with the post's fields (of any type), sometimes anything.
fn bodies() -> impl Strategy<Value = Vec<u8>> {
    let field_value = prop_oneof![
        any::<String>().prop_map(serde_json::Value::from),
        "[ a-zA-Z0-9_-]{0,70}".prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
    ];
    let object = proptest::collection::btree_map(
        prop_oneof![
            Just("id".to_owned()),
            Just("title".to_owned()),
            Just("author".to_owned()),
            Just("contents".to_owned()),
            Just("created_at".to_owned()),
            "[a-z]{1,8}",
        ],
        field_value,
        0..6,
    )
    .prop_map(|fields| serde_json::to_vec(&fields).unwrap());
    prop_oneof![4 => object, 1 => proptest::collection::vec(any::<u8>(), 0..200)]
}

fn requests() -> impl Strategy<Value = ApiRequest> {
    (
        methods(),
        proptest::option::of(any::<String>()),
        proptest::collection::vec(
            (
                prop_oneof![
                    Just("limit".to_owned()),
                    Just("cursor".to_owned()),
                    any::<String>()
                ],
                any::<String>(),
            ),
            0..3,
        ),
        proptest::option::of(prop_oneof![
            Just("application/json".to_owned()),
            Just("application/json; charset=utf-8".to_owned()),
            any::<String>(),
        ]),
        bodies(),
    )
        .prop_map(|(method, id, query, content_type, body)| ApiRequest {
            method,
            id,
            query,
            content_type,
            body,
        })
}

proptest! {
    #[test]
    fn every_request_gets_an_answer_in_the_contracts_shape(request in requests()) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let answer = runtime.block_on(deterministic_blog().handle(&request));
        let header = |name: &str| answer.header(name).map(str::to_owned);
        if let Err(problem) = check_contract_shape(answer.status.as_u16(), header, &answer.body) {
            prop_assert!(false, "{request:?} -> {}: {problem}", answer.status);
        }
    }

    #[test]
    fn parsing_any_bytes_as_a_post_never_panics(body in bodies()) {
        if let Err(err) = NewPost::from_json(&body) {
            prop_assert!(["invalid_json", "validation_failed"].contains(&err.code()));
        }
    }

    #[test]
    fn a_cursor_is_decoded_or_refused_never_more(text in any::<String>()) {
        if let Err(err) = Cursor::decode(&text) {
            prop_assert_eq!(err.code(), "bad_request");
        }
    }

    #[test]
    fn valid_cursors_round_trip(seconds in 0i64..4_000_000_000, millis in 0i64..1000, id in "[A-Za-z0-9_-]{1,64}") {
        let created_at = chrono::DateTime::from_timestamp(seconds, 0).unwrap()
            + chrono::TimeDelta::milliseconds(millis);
        let cursor = Cursor { created_at, id };
        prop_assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
    }

    #[test]
    fn escaped_length_is_what_serde_json_writes(text in any::<String>()) {
        let written = serde_json::to_string(&text).unwrap();
        prop_assert_eq!(escaped_json_len(text.as_bytes()), written.len() - 2);
    }
}
