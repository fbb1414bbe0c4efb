//! The HTTP contract as an OpenAPI 3.1 description, made from this crate's types and constants:
//! the schemas come from `utoipa`'s derive on [`Post`], [`NewPost`], [`PostPage`] and
//! [`ErrorBody`]; every limit, header, status and error code from the constants the operations
//! themselves use. Change a type or a limit and the description changes with it (chapter 6
//! commits the result as `openapi.json` and a test compares).

use serde_json::{Map, Value, json};
use utoipa::openapi::{ComponentsBuilder, OpenApiVersion};

use crate::{
    AUTHOR_MAX_CHARS, BlogError, BlogPath, CONTENTS_MAX_CHARS, CORS_ORIGIN_ENV, Cursor,
    DEFAULT_LIMIT, EVERY_RESPONSE_HEADERS, ErrorBody, ID_MAX_CHARS, MAX_BODY_BYTES, MAX_LIMIT,
    MAX_PAGE_BYTES, NewPost, PREFLIGHT_MAX_AGE, Post, PostPage, TITLE_MAX_CHARS,
};

/// The pattern every post id matches (the rule of [`crate::is_valid_id`]).
pub const ID_PATTERN: &str = "^[A-Za-z0-9_-]{1,64}$";

// ANCHOR: description
/// The description, as JSON.
pub fn description() -> Value {
    json!({
        "openapi": OpenApiVersion::Version31,
        "info": {
            "title": "Serverless blog API",
            "version": "1.0.0",
            "summary": "The blog API both backends of this book answer alike: four Lambda \
                        functions behind API Gateway, and one hyper server on Fargate.",
            "description": format!(
                "Every response carries the CORS headers and `X-Content-Type-Options: nosniff`, \
                 and every answer of the backend's code its request's `X-Request-Id`. \
                 A request body is at most {MAX_BODY_BYTES} bytes (`413 payload_too_large`); \
                 the limits on fields are in characters. A page of `GET /blog` holds at most \
                 `limit` posts and at most {MAX_PAGE_BYTES} bytes of JSON (as a Lambda proxy \
                 response carries it), whichever comes first. Any other method on a path \
                 answers `405 method_not_allowed` with `Allow`. The container also answers \
                 `GET /health`, for its load balancer, and `408` to a body that stops arriving; \
                 neither is part of the shared contract."
            ),
            "license": { "name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0" },
        },
        "servers": [
            { "url": "http://127.0.0.1:3001/Prod", "description": "the functions, behind the local API Gateway (`cargo xtask demo`)" },
            { "url": "http://127.0.0.1:8080", "description": "the container (`cargo xtask demo`)" },
        ],
        "paths": {
            BlogPath::COLLECTION: {
                "get": list_posts(),
                "post": create_post(),
                "options": preflight("preflightPosts"),
            },
            BlogPath::ITEM: {
                "parameters": [{
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "description": "A post's id, as its `Location` gave it.",
                    "schema": { "type": "string", "minLength": 1 },
                }],
                "get": get_post(),
                "delete": delete_post(),
                "options": preflight("preflightPost"),
            },
        },
        "components": {
            "schemas": schemas(),
            "headers": headers(),
        },
    })
}
// ANCHOR_END: description

fn list_posts() -> Value {
    json!({
        "operationId": "listPosts",
        "summary": "A page of posts, newest first",
        "parameters": [
            {
                "name": "limit",
                "in": "query",
                "description": "How many posts at most.",
                "schema": { "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT },
            },
            {
                "name": "cursor",
                "in": "query",
                "description": "The `next_cursor` of the page before. Opaque: pass it back as it came.",
                "schema": { "type": "string", "maxLength": Cursor::MAX_LEN },
            },
        ],
        "responses": responses(ReachesStore::Yes, [
            (200, "A page of posts", Some(schema_ref("PostPage")), &[][..]),
            (400, "`limit` or `cursor` is not valid", Some(error(&["bad_request"])), &[]),
        ]),
    })
}

fn create_post() -> Value {
    let mut operation = json!({
        "operationId": "createPost",
        "summary": "Create a post",
        "description": "Never overwrites: another post with the id is a `409`. The same post sent \
                        again (a retry after a lost answer) answers `201` with the post stored \
                        the first time.",
        "requestBody": {
            "required": true,
            "content": { "application/json": { "schema": schema_ref("NewPost") } },
        },
        "responses": responses(ReachesStore::Yes, [
            (201, "The stored post", Some(schema_ref("Post")), &["Location"][..]),
            (400, "The body is not JSON, or a field is not valid", Some(error(&["invalid_json", "validation_failed"])), &[]),
            (409, "Another post has this id", Some(error(&["conflict"])), &[]),
            (413, "The body is over the limit", Some(error(&["payload_too_large"])), &[]),
            (415, "The body is not `application/json`", Some(error(&["unsupported_media_type"])), &[]),
        ]),
    });
    // Where a created post is, for a client (and for schemathesis' stateful tests).
    operation["responses"]["201"]["links"] = json!({
        "GetCreatedPost": { "operationId": "getPost", "parameters": { "id": "$response.body#/id" } },
        "DeleteCreatedPost": { "operationId": "deletePost", "parameters": { "id": "$response.body#/id" } },
    });
    operation
}

fn get_post() -> Value {
    json!({
        "operationId": "getPost",
        "summary": "One post",
        "responses": responses(ReachesStore::Yes, [
            (200, "The post", Some(schema_ref("Post")), &[][..]),
            (404, "No post has this id", Some(error(&["not_found"])), &[]),
        ]),
    })
}

fn delete_post() -> Value {
    json!({
        "operationId": "deletePost",
        "summary": "Delete a post",
        "description": "A delete retried after its answer was lost sees `404`: the post is gone \
                        either way.",
        "responses": responses(ReachesStore::Yes, [
            (204, "Deleted", None, &[][..]),
            (404, "No post has this id", Some(error(&["not_found"])), &[]),
        ]),
    })
}

fn preflight(operation_id: &str) -> Value {
    json!({
        "operationId": operation_id,
        "summary": "CORS preflight",
        "responses": responses(
            ReachesStore::No,
            [(204, "The CORS headers, no body", None, &["Access-Control-Max-Age"][..])],
        ),
    })
}

/// Whether an operation calls the store, and so can answer its two errors.
#[derive(PartialEq)]
enum ReachesStore {
    Yes,
    No,
}

/// The responses of an operation: `(status, description, body schema, extra headers)`, plus the
/// two every operation that reaches the store can answer (`500`, `503`). Every response lists
/// the headers every answer carries.
fn responses<const N: usize>(
    store: ReachesStore,
    listed: [(u16, &str, Option<Value>, &[&str]); N],
) -> Map<String, Value> {
    let store_errors = [
        (
            500,
            "A bug or a misconfiguration (for example a missing table)",
            Some(error(&["internal"])),
            &[][..],
        ),
        (
            503,
            "The store could not be reached in time; try again",
            Some(error(&["store_unavailable"])),
            &[],
        ),
    ];
    let mut all = Map::new();
    let extra = match store {
        ReachesStore::Yes => &store_errors[..],
        ReachesStore::No => &[],
    };
    for (status, description, schema, headers) in listed.iter().chain(extra) {
        let mut response = json!({ "description": description, "headers": {} });
        for (name, _) in EVERY_RESPONSE_HEADERS.iter() {
            response["headers"][header_title(name)] = header_ref(&header_title(name));
        }
        response["headers"]["X-Request-Id"] = header_ref("X-Request-Id");
        for name in *headers {
            response["headers"][*name] = header_ref(name);
        }
        if let Some(schema) = schema {
            response["content"] = json!({ "application/json": { "schema": schema } });
        }
        all.insert(status.to_string(), response);
    }
    all
}

/// The error body, with `code` narrowed to the codes this response can carry.
fn error(codes: &[&str]) -> Value {
    debug_assert!(codes.iter().all(|code| BlogError::CODES.contains(code)));
    json!({
        "allOf": [
            schema_ref("Error"),
            { "properties": { "code": { "enum": codes } } },
        ]
    })
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn header_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/headers/{name}") })
}

/// `access-control-allow-origin` -> `Access-Control-Allow-Origin`, the way the headers are
/// usually written in documentation.
fn header_title(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The headers the responses name, each with the exact value it always has (the allowed origin:
/// its default, and what changes it).
fn headers() -> Value {
    let mut headers = Map::new();
    for (name, value) in EVERY_RESPONSE_HEADERS {
        let header = if name == "access-control-allow-origin" {
            // The one value a deployment may change: `*` unless it names one origin.
            json!({
                "description": format!(
                    "On every response: `{value}`, or the one origin `{CORS_ORIGIN_ENV}` names \
                     when the deployment sets it."
                ),
                "schema": { "type": "string", "examples": [value] },
            })
        } else {
            json!({ "description": "On every response.", "schema": { "type": "string", "const": value } })
        };
        headers.insert(header_title(name), header);
    }
    headers.insert(
        "Access-Control-Max-Age".into(),
        json!({ "description": "How long a browser may keep the preflight's answer, in seconds.", "schema": { "type": "string", "const": PREFLIGHT_MAX_AGE } }),
    );
    headers.insert(
        "X-Request-Id".into(),
        json!({ "description": "The id of the request, also the `request_id` of its line in the backend's log: API Gateway's request id on the functions, the load balancer's trace id on the container. On every answer the backend's code gives; an answer API Gateway gives itself (a REST API's preflight, its own errors) carries its `x-amzn-RequestId` instead.", "schema": { "type": "string" } }),
    );
    headers.insert(
        "Location".into(),
        json!({ "description": "Where the created post is: `/blog/{id}`.", "required": true, "schema": { "type": "string" } }),
    );
    Value::Object(headers)
}

/// The schemas `utoipa` derives from the types, with the contract's limits on every text field
/// (the derive reads the fields and their types; the limits are constants, so they are set here).
fn schemas() -> Value {
    let components = ComponentsBuilder::new()
        .schema_from::<Post>()
        .schema_from::<NewPost>()
        .schema_from::<PostPage>()
        .schema_from::<ErrorBody>()
        .build();
    let mut schemas = serde_json::to_value(components.schemas).expect("schemas are JSON");
    for schema in ["Post", "NewPost"] {
        let properties = &mut schemas[schema]["properties"];
        properties["id"]["pattern"] = json!(ID_PATTERN);
        properties["id"]["maxLength"] = json!(ID_MAX_CHARS);
        for (field, max) in [
            ("title", TITLE_MAX_CHARS),
            ("author", AUTHOR_MAX_CHARS),
            ("contents", CONTENTS_MAX_CHARS),
        ] {
            properties[field]["minLength"] = json!(1);
            properties[field]["maxLength"] = json!(max);
            properties[field]["pattern"] = json!(not_only_white_space());
            properties[field]["description"] = json!(format!(
                "1 to {max} characters (Unicode scalar values, not bytes), not only white space."
            ));
        }
    }
    schemas["NewPost"]["properties"]["id"]["description"] =
        json!("Optional: the server generates one when it is absent. `null` is not accepted.");
    schemas["Error"]["properties"]["code"]["enum"] = json!(BlogError::CODES);
    schemas
}

/// A pattern that matches text holding at least one character that is not white space, with
/// white space exactly as Rust's `char::is_whitespace` (Unicode's White_Space) has it, which is
/// what validation uses. (A regex's own `\s` differs: it counts U+FEFF, and not U+0085.)
pub fn not_only_white_space() -> String {
    let mut class = String::from("[^");
    let mut run: Option<(u32, u32)> = None;
    let flush = |run: (u32, u32), class: &mut String| {
        class.push_str(&format!("\\u{:04x}", run.0));
        if run.1 > run.0 {
            class.push_str(&format!("-\\u{:04x}", run.1));
        }
    };
    for code in 0..=0xFFFF_u32 {
        let white = char::from_u32(code).is_some_and(char::is_whitespace);
        run = match (white, run) {
            (true, Some((start, end))) if end + 1 == code => Some((start, code)),
            (true, previous) => {
                if let Some(previous) = previous {
                    flush(previous, &mut class);
                }
                Some((code, code))
            }
            (false, Some(previous)) => {
                flush(previous, &mut class);
                None
            }
            (false, None) => None,
        };
    }
    if let Some(previous) = run {
        flush(previous, &mut class);
    }
    class.push(']');
    class
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_field_a_client_sends_has_a_maximum_length() {
        let description = description();
        let new_post = &description["components"]["schemas"]["NewPost"];
        assert_eq!(new_post["additionalProperties"], json!(false));
        let properties = new_post["properties"].as_object().unwrap();
        assert_eq!(properties.len(), 4, "{properties:?}");
        for (name, property) in properties {
            assert!(property["maxLength"].is_u64(), "{name} has no maxLength");
        }
        assert_eq!(new_post["required"], json!(["title", "author", "contents"]));
    }

    #[test]
    fn the_id_pattern_accepts_exactly_the_valid_ids() {
        // A tiny check of the pattern's shape against the rule it mirrors.
        assert_eq!(ID_PATTERN, format!("^[A-Za-z0-9_-]{{1,{ID_MAX_CHARS}}}$"));
    }

    #[test]
    fn the_white_space_pattern_lists_what_rust_calls_white_space() {
        let pattern = not_only_white_space();
        assert!(
            pattern.starts_with("[^\\u0009-\\u000d\\u0020\\u0085\\u00a0"),
            "{pattern}"
        );
        assert!(pattern.contains("\\u3000"));
        // No white space outside the Basic Multilingual Plane, so 0..=0xFFFF saw it all.
        assert!(
            !(0x10000..=0x10FFFF_u32)
                .filter_map(char::from_u32)
                .any(char::is_whitespace)
        );
    }

    #[test]
    fn header_names_are_title_cased() {
        assert_eq!(
            header_title("x-content-type-options"),
            "X-Content-Type-Options"
        );
    }
}
