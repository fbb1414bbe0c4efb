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

/// The outputs of the two other front doors (the functions behind an HTTP API, the one
/// function's URL), which a stack limited to `-c allowedCidr` leaves out: read when present.
pub const OPTIONAL_OUTPUT_KEYS: [&str; 2] = ["HttpApiURL", "AllRoutesFunctionURL"];

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

/// The URLs, in the order of [`OUTPUT_KEYS`] then [`OPTIONAL_OUTPUT_KEYS`]; a missing one of
/// the first is an error that names it, a missing one of the second is left out.
pub fn urls(outputs_file: &str) -> Result<Vec<(String, String)>> {
    let outputs: serde_json::Value =
        serde_json::from_str(outputs_file).context("the outputs file is not JSON")?;
    let url = |key: &str| outputs[STACK][key].as_str().map(str::to_owned);
    let mut urls = OUTPUT_KEYS
        .iter()
        .map(|key| {
            let url = url(key).with_context(|| format!("the outputs file has no {STACK}.{key}"))?;
            Ok((key.to_string(), url))
        })
        .collect::<Result<Vec<_>>>()?;
    for key in OPTIONAL_OUTPUT_KEYS {
        if let Some(url) = url(key) {
            urls.push((key.to_owned(), url));
        }
    }
    Ok(urls)
}
// ANCHOR_END: urls
