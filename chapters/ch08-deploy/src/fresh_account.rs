//! What real AWS requires of the resources a local rehearsal cannot create.
//!
//! moto's CloudFormation answers `CREATE_COMPLETE` for resource types it does not model (a REST
//! API's stage, gateway responses, scaling, some network wiring), so a rehearsal cannot show
//! whether AWS would accept them. Each such type gets a rule here: what AWS requires of it, checked
//! on the synthesized template and, where the requirement is an account setting, on what the
//! preflight read ([`AccountState`]). The deploy checks every rule before it changes anything.

use serde_json::Value;

use crate::preflight::{AccountState, SERVICE_LINKED_ROLES};

/// One resource type's requirement.
#[derive(Debug)]
pub struct Requirement {
    pub resource_type: &'static str,
    /// What AWS requires of a resource of this type, in a sentence.
    pub requires: &'static str,
    check: fn(&Subject<'_>) -> Result<(), String>,
}

/// The template's resources, by logical id.
type Resources = serde_json::Map<String, Value>;

/// What a rule looks at: one resource, the template around it, and the account as read.
#[derive(Debug)]
struct Subject<'a> {
    resources: &'a Resources,
    resource: &'a Value,
    account: Option<&'a AccountState>,
}

impl Subject<'_> {
    fn properties(&self) -> &Value {
        &self.resource["Properties"]
    }
}

// ANCHOR: requirements
/// Every rule, one per resource type.
pub const REQUIREMENTS: [Requirement; 7] = [
    Requirement {
        resource_type: "AWS::ApiGateway::Stage",
        requires: "a stage that writes access logs needs the region's API Gateway CloudWatch role, \
                   set before the stage (or the account's own), and a log format with $context.requestId",
        check: stage_has_logs_role,
    },
    Requirement {
        resource_type: "AWS::ApiGateway::Account",
        requires: "the CloudWatch role it sets is one API Gateway may assume, with AWS's policy for pushing logs",
        check: account_role_is_api_gateways,
    },
    Requirement {
        resource_type: "AWS::ApiGateway::GatewayResponse",
        requires: "each header value is a static value in single quotes",
        check: gateway_response_headers_are_static,
    },
    Requirement {
        resource_type: "AWS::ApplicationAutoScaling::ScalableTarget",
        requires: "the role it names exists: Application Auto Scaling's service-linked role for ECS",
        check: scalable_target_role_is_prepared,
    },
    Requirement {
        resource_type: "AWS::ApplicationAutoScaling::ScalingPolicy",
        requires: "target tracking of a predefined ECS metric, with a target between 0 and 100",
        check: scaling_policy_tracks_a_percentage,
    },
    Requirement {
        resource_type: "AWS::EC2::SecurityGroupEgress",
        requires: "the group it adds to has egress rules of its own, or EC2 gives it one that allows all egress",
        check: egress_group_has_own_rules,
    },
    Requirement {
        resource_type: "AWS::EC2::SubnetRouteTableAssociation",
        requires: "the subnet's route table sends 0.0.0.0/0 to the internet gateway, or a task with a \
                   public address cannot pull its image",
        check: route_table_reaches_the_internet,
    },
];
// ANCHOR_END: requirements

/// The rule for a resource type, if it has one.
pub fn requirement_for(resource_type: &str) -> Option<&'static Requirement> {
    REQUIREMENTS
        .iter()
        .find(|r| r.resource_type == resource_type)
}

/// Every way the template falls short of a rule, as `<logical id> (<type>): <what is wrong>`.
/// `account` is what the preflight read; `None` when it could not run (no credentials).
pub fn problems(template: &Value, account: Option<&AccountState>) -> Vec<String> {
    let empty = Resources::new();
    let resources = template["Resources"].as_object().unwrap_or(&empty);
    let mut problems = Vec::new();
    for (logical_id, resource) in resources {
        let kind = resource["Type"].as_str().unwrap_or_default();
        if let Some(requirement) = requirement_for(kind)
            && let Err(problem) = (requirement.check)(&Subject {
                resources,
                resource,
                account,
            })
        {
            problems.push(format!("{logical_id} ({kind}): {problem}"));
        }
    }
    problems
}

/// The logical id a `Ref` or `Fn::GetAtt` points at.
fn target(value: &Value) -> Option<&str> {
    value["Ref"]
        .as_str()
        .or_else(|| value["Fn::GetAtt"][0].as_str())
}

fn of_type<'a>(
    resources: &'a Resources,
    kind: &'a str,
) -> impl Iterator<Item = (&'a String, &'a Value)> {
    resources.iter().filter(move |(_, r)| r["Type"] == kind)
}

fn depends_on(resource: &Value, logical_id: &str) -> bool {
    match &resource["DependsOn"] {
        Value::String(one) => one == logical_id,
        Value::Array(many) => many.iter().any(|d| d == logical_id),
        _ => false,
    }
}

/// An ARN's text, whole, or joined from the parts of a `Fn::Join` (its tokens, such as the
/// partition's `Ref`, left out): enough to read the name at its end.
fn arn_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Object(_) => value["Fn::Join"][1]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect(),
        _ => String::new(),
    }
}

fn stage_has_logs_role(subject: &Subject<'_>) -> Result<(), String> {
    let logs = &subject.properties()["AccessLogSetting"];
    if logs.is_null() {
        return Ok(());
    }
    let format = logs["Format"].as_str().unwrap_or_default();
    if !format.contains("$context.requestId") && !format.contains("$context.extendedRequestId") {
        return Err("its access log format has no $context.requestId".to_owned());
    }
    if of_type(subject.resources, "AWS::ApiGateway::Account")
        .any(|(id, _)| depends_on(subject.resource, id))
    {
        return Ok(());
    }
    match subject.account {
        Some(state) if state.api_gateway_logs_role.is_some() => Ok(()),
        Some(state) => Err(format!(
            "it writes access logs, but the template sets no API Gateway CloudWatch role before it and {} has none: \
             CloudFormation would refuse the stage (\"CloudWatch Logs role ARN must be set in account settings\")",
            state.region
        )),
        None => Err(
            "it writes access logs and relies on the account's API Gateway CloudWatch role, which was not checked"
                .to_owned(),
        ),
    }
}

fn account_role_is_api_gateways(subject: &Subject<'_>) -> Result<(), String> {
    let role_id = target(&subject.properties()["CloudWatchRoleArn"])
        .ok_or("its CloudWatchRoleArn is not a role of the template")?;
    let role = &subject.resources[role_id]["Properties"];
    let trusted = role["AssumeRolePolicyDocument"]["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|s| {
            s["Principal"]["Service"] == "apigateway.amazonaws.com"
                && s["Action"] == "sts:AssumeRole"
        });
    if !trusted {
        return Err(format!("{role_id} is not a role API Gateway may assume"));
    }
    let may_push = role["ManagedPolicyArns"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|arn| arn_text(arn).ends_with("AmazonAPIGatewayPushToCloudWatchLogs"));
    if !may_push {
        return Err(format!(
            "{role_id} may not write logs (no AmazonAPIGatewayPushToCloudWatchLogs)"
        ));
    }
    Ok(())
}

fn gateway_response_headers_are_static(subject: &Subject<'_>) -> Result<(), String> {
    for (name, value) in subject.properties()["ResponseParameters"]
        .as_object()
        .into_iter()
        .flatten()
    {
        let value = value.as_str().unwrap_or_default();
        if !(value.len() >= 2 && value.starts_with('\'') && value.ends_with('\'')) {
            return Err(format!(
                "{name} is {value:?}, not a static value in single quotes"
            ));
        }
    }
    Ok(())
}

fn scalable_target_role_is_prepared(subject: &Subject<'_>) -> Result<(), String> {
    let role = arn_text(&subject.properties()["RoleARN"]);
    if SERVICE_LINKED_ROLES
        .iter()
        .any(|slr| role.ends_with(&format!("/{}", slr.name)))
    {
        Ok(())
    } else {
        Err(format!(
            "it names the role {role:?}, which the deploy does not prepare"
        ))
    }
}

fn scaling_policy_tracks_a_percentage(subject: &Subject<'_>) -> Result<(), String> {
    let tracking = &subject.properties()["TargetTrackingScalingPolicyConfiguration"];
    let metric = tracking["PredefinedMetricSpecification"]["PredefinedMetricType"]
        .as_str()
        .unwrap_or_default();
    let target = tracking["TargetValue"].as_f64().unwrap_or(-1.0);
    if !metric.starts_with("ECSService") {
        return Err(format!("it tracks {metric:?}, not a predefined ECS metric"));
    }
    if !(target > 0.0 && target <= 100.0) {
        return Err(format!("its target value {target} is not a percentage"));
    }
    Ok(())
}

fn egress_group_has_own_rules(subject: &Subject<'_>) -> Result<(), String> {
    let group_id = target(&subject.properties()["GroupId"])
        .ok_or("it adds to a group outside the template")?;
    let group = &subject.resources[group_id]["Properties"];
    match group["SecurityGroupEgress"].as_array() {
        Some(rules) if !rules.is_empty() => Ok(()),
        _ => Err(format!(
            "{group_id} has no egress rule of its own, so EC2 adds one that allows all egress beside this one"
        )),
    }
}

fn route_table_reaches_the_internet(subject: &Subject<'_>) -> Result<(), String> {
    let table = target(&subject.properties()["RouteTableId"])
        .ok_or("its route table is outside the template")?;
    let gateways: Vec<&String> = of_type(subject.resources, "AWS::EC2::InternetGateway")
        .map(|(id, _)| id)
        .collect();
    let reaches = of_type(subject.resources, "AWS::EC2::Route").any(|(_, route)| {
        let route = &route["Properties"];
        target(&route["RouteTableId"]) == Some(table)
            && route["DestinationCidrBlock"] == "0.0.0.0/0"
            && target(&route["GatewayId"])
                .is_some_and(|gateway| gateways.iter().any(|g| *g == gateway))
    });
    if reaches {
        Ok(())
    } else {
        Err(format!(
            "{table} has no route from 0.0.0.0/0 to an internet gateway"
        ))
    }
}
