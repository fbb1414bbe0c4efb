//! From `cdk deploy --outputs-file` to the page's `urls.js`, with sample outputs.

use ch06_infrastructure::template::Template;
use ch08_deploy::outputs::urls_js_from_outputs;
use serde_json::json;

fn template() -> Template {
    Template::from_json(json!({
        "Outputs": {
            "FunctionsURL": { "Description": "The blog as Lambda functions behind API Gateway" },
            "ContainersURL": { "Description": "The blog as a container on Fargate behind a load balancer" },
            "AllRoutesURL": { "Description": "The blog as one Lambda function for every route behind API Gateway" },
            "WebAdapterURL": { "Description": "The blog as the container's server on Lambda through the Lambda Web Adapter" },
        }
    }))
}

#[test]
fn urls_js_has_the_originals_shape() {
    let outputs = json!({
        "ServerlessBlog": {
            "FunctionsURL": "https://abcdef1234.execute-api.us-east-1.amazonaws.com/Prod/",
            "ContainersURL": "http://Serve-Conta-1234567890.us-east-1.elb.amazonaws.com/",
            "AllRoutesURL": "https://ghijkl5678.execute-api.us-east-1.amazonaws.com/Prod/",
            "WebAdapterURL": "https://mnopqr9012.execute-api.us-east-1.amazonaws.com/Prod/",
        }
    });
    let script = urls_js_from_outputs(&outputs.to_string(), &template()).unwrap();
    let shown = format!("// ANCHOR: urls\n{script}// ANCHOR_END: urls");
    insta::assert_snapshot!(shown);
    let array = script
        .split_once("window.BLOG_URLS = ")
        .and_then(|(_, rest)| rest.trim().strip_suffix(';'))
        .unwrap();
    let array: serde_json::Value = serde_json::from_str(array).unwrap();
    for entry in array.as_array().unwrap() {
        let keys: Vec<&String> = entry.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["Description", "OutputKey", "OutputValue"]);
    }
}

#[test]
fn a_missing_output_is_an_error_that_names_it() {
    let outputs = json!({ "ServerlessBlog": { "FunctionsURL": "https://x/Prod/" } });
    let err = urls_js_from_outputs(&outputs.to_string(), &template()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the outputs file has no ServerlessBlog.ContainersURL"
    );
}
