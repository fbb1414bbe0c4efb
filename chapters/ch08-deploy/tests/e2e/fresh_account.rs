//! What real AWS requires of the types moto skips, checked on the synthesized template: the
//! stack as it is meets every rule, and each rule fails on a template broken the way a real
//! first deploy would fail.

use ch06_infrastructure::template::Template;
use ch08_deploy::fresh_account::{REQUIREMENTS, problems};
use serde_json::{Value, json};

use crate::support::account_state;

fn template() -> Value {
    Template::load()
        .expect("the synthesized template")
        .json()
        .clone()
}

/// The logical id of the one resource of `kind` whose construct path contains `part`.
fn id_of(template: &Value, kind: &str, part: &str) -> String {
    let found: Vec<&String> = template["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| {
            r["Type"] == kind
                && r["Metadata"]["aws:cdk:path"]
                    .as_str()
                    .unwrap_or_default()
                    .contains(part)
        })
        .map(|(id, _)| id)
        .collect();
    assert_eq!(found.len(), 1, "one {kind} at {part}: {found:?}");
    found[0].clone()
}

#[test]
fn the_stack_meets_every_rule_with_or_without_an_account_read() {
    let template = template();
    assert_eq!(problems(&template, None), Vec::<String>::new());
    assert_eq!(
        problems(&template, Some(&account_state(None))),
        Vec::<String>::new()
    );
    // Every rule's type is in the template: none checks nothing.
    for requirement in &REQUIREMENTS {
        let kinds: Vec<&str> = template["Resources"]
            .as_object()
            .unwrap()
            .values()
            .filter_map(|r| r["Type"].as_str())
            .collect();
        assert!(
            kinds.contains(&requirement.resource_type),
            "{}",
            requirement.resource_type
        );
    }
}

#[test]
fn a_stage_with_access_logs_and_no_logs_role_is_refused_unless_the_account_has_one() {
    let mut template = template();
    let account = id_of(
        &template,
        "AWS::ApiGateway::Account",
        "Functions/Api/Account",
    );
    let resources = template["Resources"].as_object_mut().unwrap();
    resources.remove(&account);
    // Every stage of the stack (the functions' and chapter 10's two) writes access logs.
    let mut stages = 0;
    for resource in resources.values_mut() {
        if resource["Type"] == "AWS::ApiGateway::Stage" {
            resource["DependsOn"] = json!([]);
            stages += 1;
        }
    }
    assert_eq!(stages, 3);
    let found = problems(&template, Some(&account_state(None)));
    assert_eq!(found.len(), stages, "{found:?}");
    for problem in &found {
        assert!(
            problem.contains("CloudWatch Logs role ARN must be set in account settings"),
            "{found:?}"
        );
    }
    // The account's own role (the context apiGatewayLogsRole=account) satisfies the stage.
    assert_eq!(
        problems(
            &template,
            Some(&account_state(Some("arn:aws:iam::111122223333:role/logs")))
        ),
        Vec::<String>::new()
    );
    // Unread, it cannot be relied on.
    assert!(problems(&template, None)[0].contains("which was not checked"));
}

#[test]
fn a_log_format_without_the_request_id_is_refused() {
    let mut template = template();
    let stage = id_of(
        &template,
        "AWS::ApiGateway::Stage",
        "Functions/Api/DeploymentStage",
    );
    template["Resources"][&stage]["Properties"]["AccessLogSetting"]["Format"] =
        json!("$context.status");
    assert!(problems(&template, None)[0].contains("no $context.requestId"));
}

#[test]
fn a_logs_role_api_gateway_cannot_assume_is_refused() {
    let mut template = template();
    let role = id_of(&template, "AWS::IAM::Role", "Functions/Api/CloudWatchRole");
    template["Resources"][&role]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
        ["Service"] = json!("lambda.amazonaws.com");
    assert!(problems(&template, None)[0].contains("is not a role API Gateway may assume"));
}

#[test]
fn a_group_left_with_ec2s_default_egress_is_refused() {
    let mut template = template();
    let group = id_of(
        &template,
        "AWS::EC2::SecurityGroup",
        "Service/LB/SecurityGroup",
    );
    template["Resources"][&group]["Properties"]
        .as_object_mut()
        .unwrap()
        .remove("SecurityGroupEgress");
    assert!(problems(&template, None)[0].contains("allows all egress"));
}

#[test]
fn a_public_subnet_with_no_route_to_the_internet_is_refused() {
    let mut template = template();
    let route = id_of(&template, "AWS::EC2::Route", "PublicSubnet1/DefaultRoute");
    template["Resources"]
        .as_object_mut()
        .unwrap()
        .remove(&route);
    let found = problems(&template, None);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("has no route from 0.0.0.0/0 to an internet gateway"),
        "{found:?}"
    );
}

#[test]
fn scaling_that_names_a_role_the_deploy_does_not_prepare_or_no_percentage_is_refused() {
    let mut template = template();
    let target = id_of(
        &template,
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "Service/Service/TaskCount",
    );
    template["Resources"][&target]["Properties"]["RoleARN"] =
        json!("arn:aws:iam::111122223333:role/scaling");
    let policy = id_of(
        &template,
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        "Service/Service/TaskCount",
    );
    template["Resources"][&policy]["Properties"]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] =
        json!(150);
    let found = problems(&template, None);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found
            .iter()
            .any(|p| p.contains("which the deploy does not prepare")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.contains("is not a percentage")),
        "{found:?}"
    );
}

#[test]
fn a_gateway_response_header_that_is_not_a_static_value_is_refused() {
    let mut template = template();
    let response = id_of(
        &template,
        "AWS::ApiGateway::GatewayResponse",
        "Functions/Api/Default4xx",
    );
    template["Resources"][&response]["Properties"]["ResponseParameters"]["gatewayresponse.header.x-content-type-options"] =
        json!("nosniff");
    assert!(problems(&template, None)[0].contains("not a static value in single quotes"));
}

#[test]
fn an_http_api_that_is_not_http_or_has_no_name_is_refused() {
    let mut template = template();
    let api = id_of(&template, "AWS::ApiGatewayV2::Api", "Functions/HttpApi/Api");
    template["Resources"][&api]["Properties"]["ProtocolType"] = json!("WEBSOCKET");
    assert!(problems(&template, None)[0].contains("not HTTP"));
    template["Resources"][&api]["Properties"]["ProtocolType"] = json!("HTTP");
    template["Resources"][&api]["Properties"]["Name"] = json!("");
    assert!(problems(&template, None)[0].contains("no Name"));
}

#[test]
fn an_http_api_integration_without_a_payload_format_or_a_permission_is_refused() {
    let mut template = template();
    let integration = id_of(
        &template,
        "AWS::ApiGatewayV2::Integration",
        "HttpApi/Api/POST--blog/create-postIntegration",
    );
    let properties = &mut template["Resources"][&integration]["Properties"];
    let format = properties
        .as_object_mut()
        .unwrap()
        .remove("PayloadFormatVersion");
    assert!(problems(&template, None)[0].contains("no PayloadFormatVersion"));
    template["Resources"][&integration]["Properties"]["PayloadFormatVersion"] = format.unwrap();
    let permission = id_of(
        &template,
        "AWS::Lambda::Permission",
        "HttpApi/Api/POST--blog/create-postIntegration-Permission",
    );
    template["Resources"]
        .as_object_mut()
        .unwrap()
        .remove(&permission);
    let found = problems(&template, None);
    assert!(
        found[0].contains("does not let apigateway.amazonaws.com invoke it from this API"),
        "{found:?}"
    );
}

#[test]
fn an_http_api_route_to_no_integration_of_its_api_is_refused() {
    let mut template = template();
    let route = id_of(
        &template,
        "AWS::ApiGatewayV2::Route",
        "HttpApi/Api/GET--blog/Resource",
    );
    template["Resources"][&route]["Properties"]["Target"] = json!("integrations/nothing");
    assert!(problems(&template, None)[0].contains("is not integrations/"));
    let mut template = self::template();
    template["Resources"][&route]["Properties"]["RouteKey"] = json!("GET blog");
    assert!(problems(&template, None)[0].contains("neither $default nor a method and a path"));
}

#[test]
fn an_http_api_log_format_with_a_rest_api_variable_is_refused() {
    let mut template = template();
    let stage = id_of(
        &template,
        "AWS::ApiGatewayV2::Stage",
        "HttpApi/Api/DefaultStage",
    );
    template["Resources"][&stage]["Properties"]["AccessLogSettings"]["Format"] =
        json!(r#"{"requestId":"$context.requestId","resourcePath":"$context.resourcePath"}"#);
    assert!(problems(&template, None)[0].contains("uses $context.resourcePath"));
    template["Resources"][&stage]["Properties"]["AccessLogSettings"]["Format"] =
        json!(r#"{"status":"$context.status"}"#);
    assert!(problems(&template, None)[0].contains("no $context.requestId"));
}

#[test]
fn a_public_function_url_without_the_invoke_function_statement_is_refused() {
    let mut template = template();
    let statement = template["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, r)| r["Properties"]["InvokedViaFunctionUrl"] == json!(true))
        .map(|(id, _)| id.clone())
        .expect("the statement for calls through the URL");
    template["Resources"]
        .as_object_mut()
        .unwrap()
        .remove(&statement);
    let found = problems(&template, None);
    assert!(found[0].contains("since October 2025"), "{found:?}");
}

#[test]
fn a_function_url_on_an_alias_whose_statements_are_on_the_function_is_refused() {
    let mut template = template();
    let resources = template["Resources"].as_object_mut().unwrap();
    // The statements CDK adds for a URL on an alias name the alias; name the function instead.
    let mut moved = 0;
    let functions: Vec<(String, Value)> = resources
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::Lambda::Alias")
        .map(|(id, r)| (id.clone(), r["Properties"]["FunctionName"].clone()))
        .collect();
    for resource in resources.values_mut() {
        if resource["Type"] != "AWS::Lambda::Permission"
            || resource["Properties"]["Principal"] != "*"
        {
            continue;
        }
        let named = resource["Properties"]["FunctionName"]["Ref"].clone();
        if let Some((_, function)) = functions.iter().find(|(id, _)| named == json!(id)) {
            resource["Properties"]["FunctionName"] = function.clone();
            moved += 1;
        }
    }
    assert!(moved >= 2, "{moved}");
    let found = problems(&template, None);
    assert!(
        found.iter().any(|p| p.contains("lambda:InvokeFunctionUrl")),
        "{found:?}"
    );
}

#[test]
fn an_alias_on_another_functions_version_or_named_by_a_number_is_refused() {
    let template = template();
    let alias = id_of(&template, "AWS::Lambda::Alias", "Functions/get-post/Live");
    let other = id_of(
        &template,
        "AWS::Lambda::Version",
        "Functions/get-posts/Function",
    );
    let broken = |change: &dyn Fn(&mut Value)| {
        let mut template = template.clone();
        change(&mut template["Resources"][&alias]["Properties"]);
        problems(&template, None)
    };
    let found = broken(&|p| p["FunctionVersion"] = json!({ "Fn::GetAtt": [other, "Version"] }));
    assert!(
        found[0].contains("a version of another function"),
        "{found:?}"
    );
    let found = broken(&|p| p["Name"] = json!("2"));
    assert!(found[0].contains("at least one non-digit"), "{found:?}");
    let found = broken(&|p| p["FunctionVersion"] = json!("live"));
    assert!(
        found[0].contains("neither $LATEST nor a number"),
        "{found:?}"
    );
    assert!(broken(&|p| p["FunctionVersion"] = json!("3")).is_empty());
}

#[test]
fn an_alarm_cloudwatch_would_refuse_is_refused() {
    let template = template();
    let alarm = id_of(
        &template,
        "AWS::CloudWatch::Alarm",
        "Operations/FunctionsP99Latency/",
    );
    let broken = |change: &dyn Fn(&mut Value)| {
        let mut template = template.clone();
        change(&mut template["Resources"][&alarm]["Properties"]);
        problems(&template, None)
    };
    assert!(broken(&|p| p["Period"] = json!(90))[0].contains("a period of 90 s"));
    assert!(broken(&|p| p["EvaluationPeriods"] = json!(300))[0].contains("last more than a day"));
    assert!(
        broken(&|p| {
            p["Statistic"] = json!("p99");
            p.as_object_mut().unwrap().remove("ExtendedStatistic");
        })[0]
            .contains("goes in ExtendedStatistic")
    );
    assert!(
        broken(&|p| p["DatapointsToAlarm"] = json!(4))[0]
            .contains("more than its EvaluationPeriods")
    );
    assert!(
        broken(&|p| p["AlarmActions"] = json!(["arn:aws:sns:us-east-1:123456789012:elsewhere"]))[0]
            .contains("is not a topic of the stack")
    );
    // An expression's own metrics have periods too.
    let rate = id_of(
        &template,
        "AWS::CloudWatch::Alarm",
        "Operations/ContainersErrorRate/",
    );
    let mut template = template.clone();
    template["Resources"][&rate]["Properties"]["Metrics"][1]["MetricStat"]["Period"] = json!(45);
    assert!(problems(&template, None)[0].contains("a period of 45 s"));
}

#[test]
fn a_metric_filter_or_saved_query_on_no_log_group_of_the_stack_is_refused() {
    let template = template();
    let filter = id_of(
        &template,
        "AWS::Logs::MetricFilter",
        "Functions/get-post/InitDuration",
    );
    let mut broken = template.clone();
    broken["Resources"][&filter]["Properties"]["LogGroupName"] = json!("/aws/lambda/elsewhere");
    assert!(problems(&broken, None)[0].contains("not a log group of the stack"));
    let mut broken = template.clone();
    broken["Resources"][&filter]["Properties"]["MetricTransformations"][0]["MetricValue"] =
        json!("record.metrics.initDurationMs");
    assert!(problems(&broken, None)[0].contains("neither a number nor a $. selector"));

    let query = id_of(&template, "AWS::Logs::QueryDefinition", "Operations/Query0");
    let mut broken = template.clone();
    broken["Resources"][&query]["Properties"]["QueryString"] = json!("x".repeat(10_001));
    assert!(problems(&broken, None)[0].contains("not 1 to 10,000"));
    let mut broken = template.clone();
    broken["Resources"][&query]["Properties"]["LogGroupNames"][0] = json!("/ecs/elsewhere");
    assert!(problems(&broken, None)[0].contains("not a log group of the stack"));
}

#[test]
fn a_topic_policy_on_a_topic_of_no_stack_is_refused() {
    let mut template = template();
    let policy = id_of(
        &template,
        "AWS::SNS::TopicPolicy",
        "Operations/Alarms/Policy",
    );
    template["Resources"][&policy]["Properties"]["Topics"] =
        json!(["arn:aws:sns:us-east-1:123456789012:elsewhere"]);
    assert!(problems(&template, None)[0].contains("not a topic of the stack"));
}

#[test]
fn a_dashboard_whose_body_is_not_json_with_widgets_is_refused() {
    let mut template = template();
    let dashboard = id_of(
        &template,
        "AWS::CloudWatch::Dashboard",
        "Operations/Dashboard",
    );
    let body = &mut template["Resources"][&dashboard]["Properties"]["DashboardBody"]["Fn::Join"][1];
    let first = body[0].as_str().unwrap().to_owned();
    assert!(first.contains("\"widgets\":["), "{first}");
    body[0] = json!(first.replacen("\"widgets\":[", "\"widgets\":[{},", 1));
    assert!(problems(&template, None)[0].contains("widget 0 has no type, place or size"));
    let mut template = self::template();
    template["Resources"][&dashboard]["Properties"]["DashboardBody"] = json!("widgets");
    assert!(problems(&template, None)[0].contains("its body is not JSON"));
}
