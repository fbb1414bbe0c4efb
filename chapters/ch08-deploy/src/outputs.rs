//! From the stack's outputs to the page's `urls.js`, in the shape the original's `deploy.sh`
//! wrote: an array of `{OutputKey, OutputValue, Description}`.

use anyhow::{Context as _, Result};
use ch06_infrastructure::page::{BackendUrl, urls_js};
use ch06_infrastructure::template::{STACK, Template};

/// The outputs the page reads: the two variants, and chapter 10's two shapes.
pub const OUTPUT_KEYS: [&str; 4] = [
    "FunctionsURL",
    "ContainersURL",
    "AllRoutesURL",
    "WebAdapterURL",
];

// ANCHOR: urls
/// `urls.js` from the file `cdk deploy --outputs-file` writes (`{"ServerlessBlog": {key: url}}`),
/// with each output's description from the template.
pub fn urls_js_from_outputs(outputs_file: &str, template: &Template) -> Result<String> {
    let backends: Vec<BackendUrl> = urls(outputs_file)?
        .into_iter()
        .map(|(key, url)| BackendUrl {
            description: template.output_description(&key).unwrap_or_default(),
            key,
            url,
        })
        .collect();
    Ok(urls_js(&backends))
}

/// The URLs, in the order of [`OUTPUT_KEYS`]; a missing one is an error that names it.
pub fn urls(outputs_file: &str) -> Result<Vec<(String, String)>> {
    let outputs: serde_json::Value =
        serde_json::from_str(outputs_file).context("the outputs file is not JSON")?;
    OUTPUT_KEYS
        .iter()
        .map(|key| {
            let url = outputs[STACK][*key]
                .as_str()
                .with_context(|| format!("the outputs file has no {STACK}.{key}"))?;
            Ok((key.to_string(), url.to_owned()))
        })
        .collect()
}
// ANCHOR_END: urls
