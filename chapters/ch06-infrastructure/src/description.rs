//! `openapi.json`: chapter 1's contract, plus the `x-blog-deployment` extension the CDK stack
//! reads. Everything in the extension comes from the crates that own it: the stage and the
//! functions from chapter 3, the table from chapter 2, the server's port, health check and
//! timeouts from chapter 4, the headers from chapter 1, the sizes from [`crate::settings`].

use std::collections::BTreeSet;

use ch01_blog_core::{
    ApiResponse, BlogError, BlogPath, CORS_ORIGIN_ENV, EVERY_RESPONSE_HEADERS, PREFLIGHT_MAX_AGE,
    StoreOperation,
};
use ch02_dynamodb::table::{FEED, FEED_INDEX, FEED_POSITION, ID};
use ch02_dynamodb::{
    DEFAULT_TABLE_NAME, Grant, GrantTarget, StoreChoice, TABLE_NAME_ENV, grant_for,
};
use ch03_functions::local_gateway::Door;
use ch03_functions::local_gateway::PROXY_RESOURCE;
use ch03_functions::local_gateway::door::http_api_routes;
use ch03_functions::{Endpoint, STAGE};
use ch04_container::config::{
    DEFAULT_IDLE_TIMEOUT_SECS, DEFAULT_PORT, DEFAULT_SHUTDOWN_GRACE_SECS,
};
use ch04_container::router::HEALTH_PATH;
use ch10_between::FUNCTION_NAME as ONE_FUNCTION;
use ch10_between::web_adapter::{ADAPTER_FUNCTION_NAME, EXTENSION_NAME, function_environment};
use ch11_streaming::export::EXPORT_PATH;
use ch11_streaming::function::FUNCTION_NAME as EXPORT_FUNCTION;
use serde_json::{Value, json};

use crate::settings::{
    DEREGISTRATION_DELAY_SECS, FUNCTION_MEMORY_MB, FUNCTION_TIMEOUT_SECS,
    LOAD_BALANCER_IDLE_TIMEOUT_SECS, STOP_TIMEOUT_SECS, TASK_CPU_UNITS, TASK_MEMORY_MIB,
};

/// Where `cargo xtask package` stages what the stack deploys (relative to the workspace).
pub const PACKAGE_DIR: &str = "target/package";

/// The whole file: the contract, and the deployment extension.
pub fn openapi_json() -> String {
    let mut description = ch01_blog_core::openapi::description();
    description["x-blog-deployment"] = deployment();
    serde_json::to_string_pretty(&description).expect("JSON") + "\n"
}

// ANCHOR: deployment
/// What the stack needs to know about the code.
pub fn deployment() -> Value {
    let store = StoreChoice::DynamoDb.to_string();
    let functions: Vec<Value> = Endpoint::ALL
        .iter()
        .map(|endpoint| {
            let (method, resource) = endpoint.route();
            json!({
                "name": endpoint.function_name(),
                "method": method.as_str(),
                "resource": resource,
                "dynamodb": [grant_json(grant_for(endpoint.store_operation()))],
            })
        })
        .collect();
    let resources: Vec<Value> = [BlogPath::Collection, BlogPath::Item(String::new())]
        .iter()
        .map(|path| {
            json!({
                "path": path.resource(),
                "allow": path.allow(),
                "methodNotAllowedBody": method_not_allowed_template(path.allow()),
            })
        })
        .collect();
    let every_response: serde_json::Map<String, Value> = EVERY_RESPONSE_HEADERS
        .iter()
        .map(|(name, value)| (name.to_string(), json!(value)))
        .collect();
    let every_grant: Vec<Value> = every_grant().into_iter().map(grant_json).collect();
    // The server's store setting, and the port the server listens on and the adapter calls.
    let mut web_adapter_environment = serde_json::Map::new();
    web_adapter_environment.insert(StoreChoice::ENV.to_owned(), json!(store));
    for (name, value) in function_environment() {
        web_adapter_environment.insert(name.to_owned(), json!(value));
    }
    json!({
        "stage": STAGE,
        "table": {
            "defaultName": DEFAULT_TABLE_NAME,
            "partitionKey": { "name": ID, "type": "S" },
            "indexes": [{
                "name": FEED_INDEX,
                "partitionKey": { "name": FEED, "type": "S" },
                "sortKey": { "name": FEED_POSITION, "type": "S" },
                "projection": "ALL",
            }],
        },
        "functions": {
            "runtime": "provided.al2023",
            "architecture": "arm64",
            "handler": "bootstrap",
            "memoryMiB": FUNCTION_MEMORY_MB,
            "timeoutSeconds": FUNCTION_TIMEOUT_SECS,
            "environment": { StoreChoice::ENV: store },
            "tableNameVariable": TABLE_NAME_ENV,
            "each": functions,
        },
        "oneFunction": {
            "name": ONE_FUNCTION,
            "resource": PROXY_RESOURCE,
            "dynamodb": every_grant,
        },
        "webAdapter": {
            "name": ADAPTER_FUNCTION_NAME,
            "resource": PROXY_RESOURCE,
            "layer": EXTENSION_NAME,
            "environment": web_adapter_environment,
            "dynamodb": every_grant,
        },
        "httpApi": {
            "payloadFormatVersion": Door::HttpApi.payload_format(),
            "routes": http_api_routes()
                .into_iter()
                .map(|(route_key, function)| json!({ "routeKey": route_key, "function": function }))
                .collect::<Vec<_>>(),
        },
        "functionUrl": {
            "function": ONE_FUNCTION,
            "authType": "NONE",
            "invokeMode": "BUFFERED",
        },
        // Chapter 11's export: its own function, every method on its own resource of the REST API
        // (the function answers the preflight and 405 itself), streamed; and its function URL.
        "export": {
            "name": EXPORT_FUNCTION,
            "method": "ANY",
            "resource": EXPORT_PATH,
            "transferMode": "STREAM",
            "dynamodb": [grant_json(grant_for(StoreOperation::List))],
            "functionUrl": { "authType": "NONE", "invokeMode": "RESPONSE_STREAM" },
        },
        // Chapter 12: what the stack watches, and how the functions log.
        "operating": ch12_operating::description(),
        "resources": resources,
        "headers": {
            "everyResponse": every_response,
            "json": { "content-type": "application/json" },
            "preflight": { "access-control-max-age": PREFLIGHT_MAX_AGE },
            "corsOriginVariable": CORS_ORIGIN_ENV,
        },
        "unsupportedMediaTypeBody": error_body(BlogError::UnsupportedMediaType),
        "container": {
            "port": DEFAULT_PORT,
            "portVariable": "PORT",
            "healthCheckPath": HEALTH_PATH,
            "cpu": TASK_CPU_UNITS,
            "memoryMiB": TASK_MEMORY_MIB,
            "architecture": "arm64",
            "environment": { StoreChoice::ENV: store, "HOST": "0.0.0.0" },
            "tableNameVariable": TABLE_NAME_ENV,
            "shutdownGraceSeconds": DEFAULT_SHUTDOWN_GRACE_SECS,
            "stopTimeoutSeconds": STOP_TIMEOUT_SECS,
            "deregistrationDelaySeconds": DEREGISTRATION_DELAY_SECS,
            "serverIdleTimeoutSeconds": DEFAULT_IDLE_TIMEOUT_SECS,
            "loadBalancerIdleTimeoutSeconds": LOAD_BALANCER_IDLE_TIMEOUT_SECS,
            "dynamodb": every_grant,
        },
        "package": {
            "dir": PACKAGE_DIR,
            "functionZip": "functions/{name}.zip",
            "layerZip": "layers/{name}.zip",
            "imageContext": "image",
            "command": "cargo xtask package",
        },
    })
}
// ANCHOR_END: deployment

/// The server and chapter 10's two functions perform every store operation: their roles get each
/// one's grant, the union of the four functions'.
pub fn every_grant() -> BTreeSet<Grant> {
    StoreOperation::ALL.into_iter().map(grant_for).collect()
}

fn grant_json(grant: Grant) -> Value {
    match grant.on {
        GrantTarget::Table => json!({ "action": grant.action, "on": "table" }),
        GrantTarget::Index(name) => json!({ "action": grant.action, "on": "index", "index": name }),
    }
}

/// The `405` body API Gateway's mock integration answers with: chapter 1's own answer, with the
/// method left to API Gateway's mapping template (`$context.httpMethod`).
fn method_not_allowed_template(allow: &'static str) -> String {
    error_body(BlogError::MethodNotAllowed {
        method: "$context.httpMethod".to_owned(),
        allow,
    })
}

/// Chapter 1's JSON body for `error`, for an answer API Gateway gives itself.
fn error_body(error: BlogError) -> String {
    String::from_utf8(ApiResponse::from(error).body).expect("JSON is UTF-8")
}
