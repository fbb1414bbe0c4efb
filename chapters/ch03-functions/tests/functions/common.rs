//! What the test files of this crate share: the fixtures.

use lambda_http::aws_lambda_events::apigw::ApiGatewayProxyRequest;

/// A fixture event from `tests/fixtures/`, as the JSON text API Gateway sends.
pub fn fixture_text(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

/// A fixture event from `tests/fixtures/`, parsed as the REST API proxy event it is.
pub fn fixture(name: &str) -> ApiGatewayProxyRequest {
    serde_json::from_str(&fixture_text(name))
        .unwrap_or_else(|err| panic!("{name} is not a REST API proxy event: {err}"))
}
