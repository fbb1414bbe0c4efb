//! The deploy rehearsed on moto, a local AWS emulator: the same synth, bootstrap, deploy and
//! `urls.js` as a real deploy, against moto's server as the AWS endpoint, with its own access key
//! (the CDK CLI caches the account per key) and no container builder (the stack's
//! `containerImage` context names an image instead of building one).
//!
//! moto's CloudFormation cannot create a method whose integration has no `IntegrationHttpMethod`
//! and `Uri`, which a MOCK integration (the stack's preflights and 405s) does not have; so the
//! copy of the template the rehearsal deploys gets placeholders there. That is the one change.

use serde_json::Value;

/// The image the rehearsal's stack names instead of building one (moto pulls nothing).
pub const PLACEHOLDER_IMAGE: &str = "public.ecr.aws/example/blog-server:rehearsal";

// ANCHOR: patch
/// Gives every MOCK integration the two fields moto's CloudFormation reads unconditionally, and
/// returns the methods it changed (`PUT /blog` style labels are not in a template: logical ids).
pub fn patch_for_moto(template: &mut Value) -> Vec<String> {
    let mut patched = Vec::new();
    let Some(resources) = template["Resources"].as_object_mut() else {
        return patched;
    };
    for (logical_id, resource) in resources {
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
