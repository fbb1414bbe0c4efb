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
pub const REQUIREMENTS: [Requirement; 18] = [
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
    Requirement {
        resource_type: "AWS::ApiGatewayV2::Api",
        requires: "an HTTP API (ProtocolType HTTP) with a name",
        check: http_api_is_named,
    },
    Requirement {
        resource_type: "AWS::ApiGatewayV2::Integration",
        requires: "a Lambda proxy integration names its payload format, and its function lets API Gateway \
                   invoke it from this API, or every call answers 500",
        check: http_api_integration_may_invoke,
    },
    Requirement {
        resource_type: "AWS::ApiGatewayV2::Route",
        requires: "its route key is $default or a method and a path, and it targets an integration of its API",
        check: http_api_route_targets_an_integration,
    },
    Requirement {
        resource_type: "AWS::ApiGatewayV2::Stage",
        requires: "an access log format has $context.requestId and only the variables an HTTP API logs",
        check: http_api_log_format_is_known,
    },
    Requirement {
        resource_type: "AWS::Lambda::Url",
        requires: "a public (NONE) URL's function (its alias, when the URL names one) lets anyone call \
                   lambda:InvokeFunctionUrl and, since October 2025, lambda:InvokeFunction through the URL, \
                   or every request is a 403",
        check: public_function_url_may_be_invoked,
    },
    Requirement {
        resource_type: "AWS::Lambda::Alias",
        requires: "its Name is not a number, and its FunctionVersion is $LATEST, a number or a version \
                   of the same function",
        check: alias_names_a_version_of_its_function,
    },
    Requirement {
        resource_type: "AWS::CloudWatch::Alarm",
        requires: "each metric's period is 10, 20, 30 or a multiple of 60 seconds and its periods last at most \
                   a day, a percentile is an ExtendedStatistic, and its actions name a topic of the stack",
        check: alarm_is_one_cloudwatch_accepts,
    },
    Requirement {
        resource_type: "AWS::Logs::MetricFilter",
        requires: "the log group it filters is one of the stack's, and its value is a number or a $. selector",
        check: metric_filter_reads_a_log_group_of_the_stack,
    },
    Requirement {
        resource_type: "AWS::Logs::QueryDefinition",
        requires: "a name of 1 to 255 characters, a query of at most 10,000, on log groups of the stack",
        check: query_definition_is_within_limits,
    },
    Requirement {
        resource_type: "AWS::CloudWatch::Dashboard",
        requires: "its body is a JSON object with a widgets array, every widget placed and sized",
        check: dashboard_body_is_json_with_widgets,
    },
    Requirement {
        resource_type: "AWS::SNS::TopicPolicy",
        requires: "every topic it names is a topic of the stack",
        check: topic_policy_names_topics_of_the_stack,
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

/// The variables AWS lists for HTTP API access logs ("Customize HTTP API access logs", read
/// 2026-12-03), without the ones only an authorizer or a client certificate fills.
pub const HTTP_API_LOG_VARIABLES: [&str; 35] = [
    "accountId",
    "apiId",
    "authorizer.error",
    "awsEndpointRequestId",
    "awsEndpointRequestId2",
    "customDomain.basePathMatched",
    "dataProcessed",
    "domainName",
    "domainPrefix",
    "error.message",
    "error.messageString",
    "error.responseType",
    "extendedRequestId",
    "httpMethod",
    "identity.accountId",
    "identity.caller",
    "identity.sourceIp",
    "identity.user",
    "identity.userAgent",
    "identity.userArn",
    "integration.error",
    "integration.integrationStatus",
    "integration.latency",
    "integration.requestId",
    "integration.status",
    "integrationErrorMessage",
    "integrationLatency",
    "integrationStatus",
    "path",
    "protocol",
    "requestId",
    "requestTime",
    "requestTimeEpoch",
    "responseLatency",
    "responseLength",
];

/// The variables an HTTP API logs besides those: its route key, stage and status.
const HTTP_API_LOG_VARIABLES_MORE: [&str; 3] = ["routeKey", "stage", "status"];

fn http_api_is_named(subject: &Subject<'_>) -> Result<(), String> {
    let properties = subject.properties();
    if properties["ProtocolType"] != "HTTP" {
        return Err(format!(
            "its ProtocolType is {}, not HTTP",
            properties["ProtocolType"]
        ));
    }
    if properties["Name"].as_str().is_none_or(str::is_empty) {
        return Err("it has no Name".to_owned());
    }
    Ok(())
}

fn http_api_integration_may_invoke(subject: &Subject<'_>) -> Result<(), String> {
    let properties = subject.properties();
    if properties["IntegrationType"] != "AWS_PROXY" {
        return Ok(());
    }
    if !matches!(
        properties["PayloadFormatVersion"].as_str(),
        Some("1.0" | "2.0")
    ) {
        return Err("it names no PayloadFormatVersion (1.0 or 2.0)".to_owned());
    }
    let function = target(&properties["IntegrationUri"])
        .ok_or("its IntegrationUri is not a function of the template")?;
    let api = target(&properties["ApiId"]).unwrap_or_default();
    let granted = of_type(subject.resources, "AWS::Lambda::Permission").any(|(_, permission)| {
        let p = &permission["Properties"];
        target(&p["FunctionName"]) == Some(function)
            && p["Action"] == "lambda:InvokeFunction"
            && p["Principal"] == "apigateway.amazonaws.com"
            && p["SourceArn"]
                .to_string()
                .contains(&format!("\"Ref\":\"{api}\""))
    });
    if granted {
        Ok(())
    } else {
        Err(format!(
            "{function} does not let apigateway.amazonaws.com invoke it from this API"
        ))
    }
}

fn http_api_route_targets_an_integration(subject: &Subject<'_>) -> Result<(), String> {
    let properties = subject.properties();
    let key = properties["RouteKey"].as_str().unwrap_or_default();
    let well_formed = key == "$default"
        || key.split_once(' ').is_some_and(|(method, path)| {
            [
                "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY",
            ]
            .contains(&method)
                && path.starts_with('/')
        });
    if !well_formed {
        return Err(format!(
            "its RouteKey {key:?} is neither $default nor a method and a path"
        ));
    }
    let parts = properties["Target"]["Fn::Join"][1].as_array();
    let integration = parts
        .filter(|parts| parts.first().and_then(Value::as_str) == Some("integrations/"))
        .and_then(|parts| parts.get(1))
        .and_then(target)
        .ok_or("its Target is not integrations/ and an integration of the template")?;
    let same_api = subject.resources.get(integration).is_some_and(|i| {
        i["Type"] == "AWS::ApiGatewayV2::Integration"
            && i["Properties"]["ApiId"] == properties["ApiId"]
    });
    if same_api {
        Ok(())
    } else {
        Err(format!(
            "its Target {integration} is not an integration of its API"
        ))
    }
}

fn http_api_log_format_is_known(subject: &Subject<'_>) -> Result<(), String> {
    let Some(format) = subject.properties()["AccessLogSettings"]["Format"].as_str() else {
        return Ok(());
    };
    if !format.contains("$context.requestId") && !format.contains("$context.extendedRequestId") {
        return Err("its access log format has no $context.requestId".to_owned());
    }
    for variable in format.split("$context.").skip(1) {
        let name: String = variable
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect();
        let name = name.trim_end_matches('.');
        let known = HTTP_API_LOG_VARIABLES.contains(&name)
            || HTTP_API_LOG_VARIABLES_MORE.contains(&name)
            || name.starts_with("authorizer.")
            || name.starts_with("identity.clientCert.")
            || name.starts_with("identity.cognito");
        if !known {
            return Err(format!(
                "its access log format uses $context.{name}, which an HTTP API does not log"
            ));
        }
    }
    Ok(())
}

fn public_function_url_may_be_invoked(subject: &Subject<'_>) -> Result<(), String> {
    let properties = subject.properties();
    if properties["AuthType"] != "NONE" {
        return Ok(());
    }
    let function = target(&properties["TargetFunctionArn"])
        .ok_or("its TargetFunctionArn is not a function of the template")?;
    // A URL on an alias (its Qualifier) is authorized by the alias's own resource policy: a
    // statement on the function does not let anyone through.
    let function = match properties["Qualifier"].as_str() {
        None => function,
        Some(qualifier) => of_type(subject.resources, "AWS::Lambda::Alias")
            .find(|(_, alias)| {
                target(&alias["Properties"]["FunctionName"]) == Some(function)
                    && alias["Properties"]["Name"] == qualifier
            })
            .map(|(id, _)| id.as_str())
            .ok_or_else(|| format!("{function} has no alias {qualifier}, which its URL names"))?,
    };
    let grants = |action: &str, condition: (&str, Value)| {
        of_type(subject.resources, "AWS::Lambda::Permission").any(|(_, permission)| {
            let p = &permission["Properties"];
            target(&p["FunctionName"]) == Some(function)
                && p["Action"] == action
                && p["Principal"] == "*"
                && p[condition.0] == condition.1
        })
    };
    if !grants(
        "lambda:InvokeFunctionUrl",
        ("FunctionUrlAuthType", Value::from("NONE")),
    ) {
        return Err(format!(
            "{function} does not let anyone call lambda:InvokeFunctionUrl on a NONE URL"
        ));
    }
    if !grants(
        "lambda:InvokeFunction",
        ("InvokedViaFunctionUrl", Value::from(true)),
    ) {
        return Err(format!(
            "{function} does not let anyone call lambda:InvokeFunction through its URL, which new function URLs \
             need since October 2025"
        ));
    }
    Ok(())
}

fn alias_names_a_version_of_its_function(subject: &Subject<'_>) -> Result<(), String> {
    let properties = subject.properties();
    let name = properties["Name"].as_str().unwrap_or_default();
    let name_is_valid = (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !name.bytes().all(|b| b.is_ascii_digit());
    if !name_is_valid {
        return Err(format!(
            "its Name {name:?} is not letters, digits, - and _ with at least one non-digit"
        ));
    }
    let version = &properties["FunctionVersion"];
    if let Some(literal) = version.as_str() {
        return if literal == "$LATEST" || literal.bytes().all(|b| b.is_ascii_digit()) {
            Ok(())
        } else {
            Err(format!(
                "its FunctionVersion {literal:?} is neither $LATEST nor a number"
            ))
        };
    }
    let published = (version["Fn::GetAtt"][1] == "Version")
        .then(|| version["Fn::GetAtt"][0].as_str())
        .flatten()
        .and_then(|id| subject.resources.get(id))
        .filter(|v| v["Type"] == "AWS::Lambda::Version");
    match published {
        Some(v) if v["Properties"]["FunctionName"] == properties["FunctionName"] => Ok(()),
        Some(_) => Err("its FunctionVersion is a version of another function".to_owned()),
        None => Err(
            "its FunctionVersion is not the Version of an AWS::Lambda::Version of the template"
                .to_owned(),
        ),
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

/// A period CloudWatch accepts for an alarm: 10, 20 or 30 seconds (high resolution), or a multiple
/// of 60 (PutMetricAlarm's `Period`).
fn alarm_period_is_valid(period: u64) -> bool {
    [10, 20, 30].contains(&period) || (period > 0 && period.is_multiple_of(60))
}

fn alarm_is_one_cloudwatch_accepts(subject: &Subject<'_>) -> Result<(), String> {
    let properties = subject.properties();
    let evaluation_periods = properties["EvaluationPeriods"].as_u64().unwrap_or(0);
    if properties["DatapointsToAlarm"]
        .as_u64()
        .is_some_and(|datapoints| datapoints > evaluation_periods)
    {
        return Err("its DatapointsToAlarm is more than its EvaluationPeriods".to_owned());
    }
    let (periods, statistics): (Vec<u64>, Vec<String>) = match properties["Metrics"].as_array() {
        Some(metrics) => {
            let returned = metrics.iter().filter(|m| m["ReturnData"] != false).count();
            if returned != 1 {
                return Err(format!("{returned} of its metrics return data, not one"));
            }
            metrics
                .iter()
                .filter(|m| m["MetricStat"].is_object())
                .map(|m| {
                    let stat = &m["MetricStat"];
                    (
                        stat["Period"].as_u64().unwrap_or(0),
                        stat["Stat"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .unzip()
        }
        None => {
            let statistic = properties["Statistic"].as_str();
            if statistic.is_some_and(|s| s.starts_with('p')) {
                return Err(format!(
                    "its Statistic {:?} is a percentile, which goes in ExtendedStatistic",
                    statistic.unwrap_or_default()
                ));
            }
            let statistic = statistic
                .or_else(|| properties["ExtendedStatistic"].as_str())
                .unwrap_or_default();
            (
                vec![properties["Period"].as_u64().unwrap_or(0)],
                vec![statistic.to_owned()],
            )
        }
    };
    let known = |s: &str| {
        ["SampleCount", "Average", "Sum", "Minimum", "Maximum"].contains(&s)
            || s.strip_prefix('p')
                .is_some_and(|n| n.parse::<f64>().is_ok_and(|n| (0.0..=100.0).contains(&n)))
    };
    if let Some(unknown) = statistics.iter().find(|s| !known(s)) {
        return Err(format!(
            "its statistic {unknown:?} is not one CloudWatch knows"
        ));
    }
    for period in periods {
        if !alarm_period_is_valid(period) {
            return Err(format!(
                "a period of {period} s is not 10, 20, 30 or a multiple of 60"
            ));
        }
        if period < 3_600 && period * evaluation_periods > 86_400 {
            return Err(format!(
                "{evaluation_periods} periods of {period} s last more than a day"
            ));
        }
    }
    let actions = ["AlarmActions", "OKActions", "InsufficientDataActions"]
        .iter()
        .flat_map(|key| properties[*key].as_array().into_iter().flatten());
    for action in actions {
        if !names_one_of(subject.resources, action, "AWS::SNS::Topic") {
            return Err(format!("its action {action} is not a topic of the stack"));
        }
    }
    Ok(())
}

/// Whether `value` is a `Ref` (or `Fn::GetAtt`) to a resource of `kind` in the template.
fn names_one_of(resources: &Resources, value: &Value, kind: &str) -> bool {
    target(value)
        .and_then(|id| resources.get(id))
        .is_some_and(|r| r["Type"] == kind)
}

fn metric_filter_reads_a_log_group_of_the_stack(subject: &Subject<'_>) -> Result<(), String> {
    let properties = subject.properties();
    if !names_one_of(
        subject.resources,
        &properties["LogGroupName"],
        "AWS::Logs::LogGroup",
    ) {
        return Err("its LogGroupName is not a log group of the stack".to_owned());
    }
    for transformation in properties["MetricTransformations"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let value = transformation["MetricValue"].as_str().unwrap_or_default();
        if !(value.starts_with("$.") || value.parse::<f64>().is_ok()) {
            return Err(format!(
                "its MetricValue {value:?} is neither a number nor a $. selector"
            ));
        }
    }
    Ok(())
}

fn query_definition_is_within_limits(subject: &Subject<'_>) -> Result<(), String> {
    let properties = subject.properties();
    let name = properties["Name"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .count();
    if !(1..=255).contains(&name) {
        return Err(format!("its Name has {name} characters, not 1 to 255"));
    }
    let query = properties["QueryString"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .count();
    if query == 0 || query > 10_000 {
        return Err(format!(
            "its QueryString has {query} characters, not 1 to 10,000"
        ));
    }
    let groups = properties["LogGroupNames"].as_array().into_iter().flatten();
    for group in groups {
        if !names_one_of(subject.resources, group, "AWS::Logs::LogGroup") {
            return Err(format!(
                "it names {group}, which is not a log group of the stack"
            ));
        }
    }
    Ok(())
}

fn topic_policy_names_topics_of_the_stack(subject: &Subject<'_>) -> Result<(), String> {
    for topic in subject.properties()["Topics"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if !names_one_of(subject.resources, topic, "AWS::SNS::Topic") {
            return Err(format!(
                "it names {topic}, which is not a topic of the stack"
            ));
        }
    }
    Ok(())
}

fn dashboard_body_is_json_with_widgets(subject: &Subject<'_>) -> Result<(), String> {
    // The body as CloudFormation will join it, each reference standing in for its value (they sit
    // inside JSON strings).
    let body = &subject.properties()["DashboardBody"];
    let text = match body {
        Value::String(text) => text.clone(),
        _ => body["Fn::Join"][1]
            .as_array()
            .into_iter()
            .flatten()
            .map(|part| part.as_str().unwrap_or("token").to_owned())
            .collect(),
    };
    let parsed: Value =
        serde_json::from_str(&text).map_err(|err| format!("its body is not JSON: {err}"))?;
    let widgets = parsed["widgets"]
        .as_array()
        .ok_or("its body has no widgets array")?;
    for (i, widget) in widgets.iter().enumerate() {
        let placed = ["x", "y", "width", "height"]
            .iter()
            .all(|key| widget[*key].as_u64().is_some());
        if !placed || !widget["type"].is_string() {
            return Err(format!("widget {i} has no type, place or size"));
        }
    }
    Ok(())
}
