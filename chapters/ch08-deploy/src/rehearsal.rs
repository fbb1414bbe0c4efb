//! The deploy rehearsed on moto, a local AWS emulator: the same synth, bootstrap, deploy and
//! `urls.js` as a real deploy, against moto's server as the AWS endpoint, with its own access key
//! (the CDK CLI caches the account per key) and no container builder (the stack's
//! `containerImage` context names an image instead of building one).
//!
//! moto's CloudFormation cannot create a method whose integration has no `IntegrationHttpMethod`
//! and `Uri`, which a MOCK integration (the stack's preflights and 405s) does not have; and it
//! refuses a stack whose output reads an attribute of a type it does not model (a function URL's
//! `FunctionUrl`). Its CloudFormation creates no alarms either (it skips the type), so a
//! dashboard whose widgets name the alarms cannot be resolved. It skips the functions' aliases
//! too, and then cannot give a permission or an integration that names one a function. So the
//! copy of the template the rehearsal deploys gets placeholders there, and names each alias's
//! function where the stack names the alias: those are the four changes.

use serde_json::Value;

/// The image the rehearsal's stack names instead of building one (moto pulls nothing).
pub const PLACEHOLDER_IMAGE: &str = "public.ecr.aws/example/blog-server:rehearsal";

/// What an output that reads a function URL holds in the rehearsal (moto has no function URLs).
pub const PLACEHOLDER_FUNCTION_URL: &str = "https://rehearsal.lambda-url.us-east-1.on.aws/";

/// What a dashboard shows in the rehearsal: nothing (moto creates none of the alarms it shows).
pub const PLACEHOLDER_DASHBOARD: &str = r#"{"widgets":[]}"#;

// ANCHOR: patch
/// Gives every MOCK integration the two fields moto's CloudFormation reads unconditionally, every
/// output that reads a function URL a placeholder URL, every dashboard an empty body, and every
/// resource that names a function's alias the function itself; returns the logical ids of the
/// methods, outputs, dashboards and resources it changed.
pub fn patch_for_moto(template: &mut Value) -> Vec<String> {
    let mut patched = Vec::new();
    let aliases: Vec<(Value, Value)> = template["Resources"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, resource)| resource["Type"] == "AWS::Lambda::Alias")
        .map(|(logical_id, alias)| {
            (
                serde_json::json!({ "Ref": logical_id }),
                alias["Properties"]["FunctionName"].clone(),
            )
        })
        .collect();
    if let Some(resources) = template["Resources"].as_object_mut() {
        for (logical_id, resource) in resources {
            if resource["Type"] == "AWS::Lambda::Alias" {
                continue;
            }
            let mut changed = replace_all(resource, &aliases);
            // A URL on the alias becomes a URL on the function, like its permissions.
            if resource["Type"] == "AWS::Lambda::Url" && !aliases.is_empty() {
                changed |= resource["Properties"]
                    .as_object_mut()
                    .and_then(|properties| properties.remove("Qualifier"))
                    .is_some();
            }
            if changed {
                patched.push(logical_id.clone());
            }
        }
    }
    let function_urls: Vec<String> = template["Resources"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, resource)| resource["Type"] == "AWS::Lambda::Url")
        .map(|(logical_id, _)| logical_id.clone())
        .collect();
    if let Some(outputs) = template["Outputs"].as_object_mut() {
        for (key, output) in outputs {
            let reads = output["Value"]["Fn::GetAtt"][0].as_str();
            if reads.is_some_and(|id| function_urls.iter().any(|url| url == id)) {
                output["Value"] = Value::from(PLACEHOLDER_FUNCTION_URL);
                patched.push(key.clone());
            }
        }
    }
    let Some(resources) = template["Resources"].as_object_mut() else {
        return patched;
    };
    for (logical_id, resource) in resources {
        if resource["Type"] == "AWS::CloudWatch::Dashboard" {
            resource["Properties"]["DashboardBody"] = Value::from(PLACEHOLDER_DASHBOARD);
            patched.push(logical_id.clone());
            continue;
        }
        if resource["Type"] != "AWS::ApiGateway::Method" {
            continue;
        }
        let integration = &mut resource["Properties"]["Integration"];
        if integration["Type"] == "MOCK" {
            integration["IntegrationHttpMethod"] = Value::from("POST");
            integration["Uri"] = Value::from("");
            patched.push(logical_id.clone());
        }
    }
    patched
}
// ANCHOR_END: patch

/// Replaces every value equal to a pair's first with its second, anywhere in `value`; whether any was.
fn replace_all(value: &mut Value, pairs: &[(Value, Value)]) -> bool {
    if let Some((_, by)) = pairs.iter().find(|(what, _)| what == value) {
        *value = by.clone();
        return true;
    }
    match value {
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |any, item| replace_all(item, pairs) | any),
        Value::Object(fields) => fields
            .values_mut()
            .fold(false, |any, field| replace_all(field, pairs) | any),
        _ => false,
    }
}
