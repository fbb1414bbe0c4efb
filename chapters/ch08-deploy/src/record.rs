//! The record of a deploy: which stack went to which account and region. The deploy writes it
//! before it creates anything, beside `html/urls.js`; `destroy` reads it, so that it deletes the
//! stack where it is, even when your shell now points at another region.

use std::path::Path;

use anyhow::{Context as _, Result, bail};
use serde_json::json;

/// Where one deploy went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentRecord {
    pub stack: String,
    pub account: String,
    pub region: String,
    /// Deployed with `--table-removal retain`: the table outlives the stack.
    pub table_retained: bool,
    /// The stack set the region's API Gateway CloudWatch role (which stays after destroy).
    pub logs_role_set_by_stack: bool,
}

impl DeploymentRecord {
    pub fn to_json(&self) -> String {
        let record = json!({
            "stack": self.stack,
            "account": self.account,
            "region": self.region,
            "tableRetained": self.table_retained,
            "logsRoleSetByStack": self.logs_role_set_by_stack,
        });
        serde_json::to_string_pretty(&record).expect("JSON") + "\n"
    }

    pub fn from_json(text: &str) -> Result<Self> {
        let record: serde_json::Value = serde_json::from_str(text).context("not JSON")?;
        let field = |name: &str| {
            record[name]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("no \"{name}\""))
        };
        let flag = |name: &str| {
            record[name]
                .as_bool()
                .with_context(|| format!("no \"{name}\""))
        };
        Ok(Self {
            stack: field("stack")?,
            account: field("account")?,
            region: field("region")?,
            table_retained: flag("tableRetained")?,
            logs_role_set_by_stack: flag("logsRoleSetByStack")?,
        })
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        crate::write(path, &self.to_json())
    }

    /// The record at `path`, or `None` when no deploy wrote one.
    pub fn read(path: &Path) -> Result<Option<Self>> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_json(&text)
                .map(Some)
                .with_context(|| format!("{} is not a deploy's record", path.display())),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
        }
    }
}

// ANCHOR: where_to_destroy
/// The region `destroy` works in: the record's. Your environment's region (`current`) must be the
/// same, or `--region` must name the record's, so that you never delete in one region while you
/// think of another; credentials of another account are refused outright.
pub fn region_to_destroy(
    record: &DeploymentRecord,
    current_region: Option<&str>,
    current_account: Option<&str>,
    told_region: Option<&str>,
) -> Result<String> {
    if let Some(account) = current_account
        && account != record.account
    {
        bail!(
            "the stack {} was deployed to account {}, but your credentials are for account {account}; \
             sign in to {} and run destroy again",
            record.stack,
            record.account,
            record.account
        );
    }
    match (told_region, current_region) {
        (Some(told), _) if told == record.region => Ok(told.to_owned()),
        (Some(told), _) => bail!(
            "--region {told}, but the stack {} was deployed to {}: run `cargo xtask destroy -- --region {}`",
            record.stack,
            record.region,
            record.region
        ),
        (None, Some(current)) if current == record.region => Ok(current.to_owned()),
        (None, current) => bail!(
            "the stack {} was deployed to {}, but your environment's region is {}: to delete it \
             there, run `cargo xtask destroy -- --region {}`",
            record.stack,
            record.region,
            current.unwrap_or("(none)"),
            record.region
        ),
    }
}
// ANCHOR_END: where_to_destroy
