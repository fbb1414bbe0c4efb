//! How a new version of each variant ships, and how it goes back: the functions' alias, which the
//! front doors invoke instead of the function itself.

use serde::Serialize;

// ANCHOR: alias
/// Every function is published as a numbered version on each deploy that changes it, and the
/// front doors (the REST API's integrations, the HTTP API's, the function URLs) invoke this alias
/// of it, not the function: going back is moving the alias to the version before, and the
/// versions a deploy replaces are kept so that there is one to move it to.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionAlias {
    /// The alias's name (`live`).
    pub name: &'static str,
    /// Whether the versions a deploy replaces stay in the account (`true`: the rollback needs
    /// them; they go with the function when the stack is destroyed).
    pub keep_replaced_versions: bool,
}

pub const FUNCTION_ALIAS: FunctionAlias = FunctionAlias {
    name: "live",
    keep_replaced_versions: true,
};
// ANCHOR_END: alias
