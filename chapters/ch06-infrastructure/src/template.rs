//! Reading the CloudFormation template that `cdk synth` writes: what resources it declares, which
//! half of the comparison each belongs to, and what each role may do.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The stack's name, and so its template's file name in `cdk.out/`.
pub const STACK: &str = "ServerlessBlog";

/// The synthesized template.
#[derive(Debug, Clone)]
pub struct Template {
    json: Value,
}

/// One resource of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub logical_id: String,
    /// `AWS::Lambda::Function`, ...
    pub kind: String,
    /// The construct that made it, e.g. `ServerlessBlog/Functions/get-posts/Function/Resource`.
    pub path: String,
}

/// Which part of the stack a resource serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Half {
    /// The table both variants share.
    Table,
    /// The Lambda functions and their API.
    Functions,
    /// Chapter 10's one function for every route, and its API.
    OneFunction,
    /// Chapter 10's container server on Lambda: its function, the adapter's layer, and its API.
    WebAdapter,
    /// The Fargate service, its load balancer and its network.
    Containers,
    /// Chapter 12's alarms, their topic, the dashboard and the saved queries, for both variants.
    Operations,
    /// The CDK's own bookkeeping (`AWS::CDK::Metadata`).
    Other,
}

impl Half {
    pub fn label(self) -> &'static str {
        match self {
            Self::Table => "table (shared)",
            Self::Functions => "functions",
            Self::OneFunction => "one function",
            Self::WebAdapter => "web adapter",
            Self::Containers => "containers",
            Self::Operations => "operating both",
            Self::Other => "CDK metadata",
        }
    }
}

impl Resource {
    /// The half this resource belongs to, by the construct it sits under.
    pub fn half(&self) -> Half {
        match self.path.split('/').nth(1) {
            Some("Table") => Half::Table,
            Some("Functions") => Half::Functions,
            Some("OneFunction") => Half::OneFunction,
            Some("WebAdapter") => Half::WebAdapter,
            Some("Containers") => Half::Containers,
            Some("Operations") => Half::Operations,
            _ => Half::Other,
        }
    }
}

/// What a role may do to the table, read off its policy: `(action, "table" | "index/<name>")`.
pub type DynamoGrants = BTreeSet<(String, String)>;

impl Template {
    /// Where the template is: `$BLOG_TEMPLATE`, else `infra-cdk/cdk.out/ServerlessBlog.template.json`.
    pub fn default_path() -> PathBuf {
        std::env::var_os("BLOG_TEMPLATE")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../infra-cdk/cdk.out")
                    .join(format!("{STACK}.template.json"))
            })
    }

    /// Reads the template, or says how to make it.
    pub fn load() -> anyhow::Result<Self> {
        use anyhow::Context as _;
        let path = Self::default_path();
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "cannot read the synthesized template {}.\n\
                 `cargo xtask test` makes it; or run `cargo xtask package`, then \
                 `CDK_DISABLE_VERSION_CHECK=1 npx cdk synth --quiet` in infra-cdk/",
                path.display()
            )
        })?;
        let json = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        Ok(Self { json })
    }

    pub fn from_json(json: Value) -> Self {
        Self { json }
    }

    /// The template as JSON, for checks of any property.
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// Every resource, in the template's order.
    pub fn resources(&self) -> Vec<Resource> {
        self.json["Resources"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(logical_id, resource)| Resource {
                logical_id: logical_id.clone(),
                kind: resource["Type"].as_str().unwrap_or_default().to_owned(),
                path: resource["Metadata"]["aws:cdk:path"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            })
            .collect()
    }

    /// How many resources of each type each half has.
    pub fn inventory(&self) -> BTreeMap<String, BTreeMap<Half, usize>> {
        let mut counts: BTreeMap<String, BTreeMap<Half, usize>> = BTreeMap::new();
        for resource in self.resources() {
            *counts
                .entry(resource.kind.clone())
                .or_default()
                .entry(resource.half())
                .or_default() += 1;
        }
        counts
    }

    /// The resource a construct path names (`…/Resource` or the path itself).
    pub fn resource_at(&self, path: &str) -> Option<&Value> {
        self.json["Resources"]
            .as_object()?
            .values()
            .find(|resource| resource["Metadata"]["aws:cdk:path"] == path)
    }

    /// The description of one of the stack's outputs.
    pub fn output_description(&self, key: &str) -> Option<String> {
        self.json["Outputs"][key]["Description"]
            .as_str()
            .map(str::to_owned)
    }

    /// The logical id of the table (`AWS::DynamoDB::Table`).
    pub fn table_logical_id(&self) -> Option<String> {
        self.resources()
            .into_iter()
            .find(|resource| resource.kind == "AWS::DynamoDB::Table")
            .map(|resource| resource.logical_id)
    }

    /// The construct path of a resource, by logical id, without the stack's name and the
    /// trailing `/Resource`: `Functions/get-posts/Logs`.
    pub fn short_path_of(&self, logical_id: &str) -> Option<String> {
        let path = self.json["Resources"][logical_id]["Metadata"]["aws:cdk:path"].as_str()?;
        let path = path.strip_prefix(&format!("{STACK}/")).unwrap_or(path);
        Some(path.trim_end_matches("/Resource").to_owned())
    }

    /// Every statement of the policy at `path`, as `(actions, resource)` pairs with the resource
    /// written the way a person reads it.
    pub fn statements(&self, path: &str) -> Vec<(Vec<String>, String)> {
        let Some(policy) = self.resource_at(path) else {
            return Vec::new();
        };
        let table = self.table_logical_id().unwrap_or_default();
        policy["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|statement| {
                let actions: Vec<String> = match &statement["Action"] {
                    Value::String(action) => vec![action.clone()],
                    Value::Array(actions) => actions
                        .iter()
                        .filter_map(|a| a.as_str().map(str::to_owned))
                        .collect(),
                    _ => Vec::new(),
                };
                let resources = match &statement["Resource"] {
                    Value::Array(resources) => resources.clone(),
                    other => vec![other.clone()],
                };
                resources
                    .into_iter()
                    .map(|resource| (actions.clone(), self.describe_arn(&resource, &table)))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// The DynamoDB actions the policy at `path` allows, each with what it is allowed on.
    pub fn dynamodb_grants(&self, path: &str) -> DynamoGrants {
        self.statements(path)
            .into_iter()
            .flat_map(|(actions, resource)| {
                actions
                    .into_iter()
                    .filter(|action| action.starts_with("dynamodb:"))
                    .map(move |action| (action, resource.clone()))
            })
            .collect()
    }
}

impl Template {
    /// An ARN in a policy, in words: `table`, `index/feed`, the construct it belongs to, or the
    /// text itself (`*`).
    fn describe_arn(&self, resource: &Value, table: &str) -> String {
        let get_att = |value: &Value| -> Option<String> {
            let parts = value["Fn::GetAtt"].as_array()?;
            Some(parts.first()?.as_str()?.to_owned())
        };
        if let Some(name) = get_att(resource) {
            return if name == table {
                "table".to_owned()
            } else {
                self.short_path_of(&name).unwrap_or(name)
            };
        }
        if let Some(parts) = resource["Fn::Join"][1].as_array()
            && let [first, Value::String(suffix)] = parts.as_slice()
            && get_att(first).as_deref() == Some(table)
        {
            return suffix.trim_start_matches('/').to_owned();
        }
        match resource {
            Value::String(text) => text.clone(),
            Value::Object(_) if resource.to_string().contains(":repository/") => {
                "the CDK's image repository".to_owned()
            }
            other => other.to_string(),
        }
    }
}
