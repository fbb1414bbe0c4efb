//! The demo page's list of backends, `urls.js`: written by the local demo (chapter 7) from its
//! own URLs and by the deploy (chapter 8) from the stack's outputs, in one shape, so the page reads
//! the same file locally and in AWS.

use serde_json::json;

// ANCHOR: urls_js
/// One line of `urls.js`, in the shape of a CloudFormation stack output (what the deploy
/// writes): the page reads the same file locally and in AWS.
#[derive(Debug, Clone)]
pub struct BackendUrl {
    pub key: String,
    pub url: String,
    pub description: String,
}

/// The `urls.js` the page loads: `window.BLOG_URLS = [{OutputKey, OutputValue, Description}]`.
pub fn urls_js(backends: &[BackendUrl]) -> String {
    let outputs: Vec<_> = backends
        .iter()
        .map(|backend| {
            json!({
                "OutputKey": backend.key,
                "OutputValue": backend.url,
                "Description": backend.description,
            })
        })
        .collect();
    format!(
        "// Generated from the stack's outputs (chapter 8), or by the local demo (chapter 7).\n\
         // Do not edit.\nwindow.BLOG_URLS = {};\n",
        serde_json::to_string_pretty(&outputs).expect("JSON")
    )
}
// ANCHOR_END: urls_js
