"""What moto really created for the rehearsal's stack, resource by resource.

moto answers CREATE_COMPLETE for the whole stack even when it skips resource types it does not
model, so CREATE_COMPLETE alone proves little. This reads the template that was deployed, and for
each of its resources asks that resource's own service (EC2, ECS, API Gateway, ...) whether it is
there, then prints one JSON document:

  {"stack_status": ...,
   "resources": [{"logical_id", "type", "found", "how"}],
   "function_environments": {"<function name>": {variable: value}},
   "table": {"name", "key_schema", "indexes": [{"name", "key_schema", "projection"}]}}

Run it with the Python of the project's .venv (boto3 comes with moto):
  python created.py <endpoint> <stack name> <template.json>
"""

import json
import sys

import boto3
import botocore


def main(endpoint, stack, template_path):
    template = json.load(open(template_path))["Resources"]
    session = boto3.session.Session(
        aws_access_key_id="rehearsal", aws_secret_access_key="rehearsal", region_name="us-east-1"
    )
    client = lambda name: session.client(name, endpoint_url=endpoint)  # noqa: E731
    cloudformation = client("cloudformation")
    status = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    physical = {
        r["LogicalResourceId"]: r.get("PhysicalResourceId") or ""
        for r in cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    }

    def ref(value):
        """The physical id a `Ref` or `Fn::GetAtt` in a property points at."""
        if isinstance(value, dict) and "Ref" in value:
            return physical.get(value["Ref"], "")
        if isinstance(value, dict) and "Fn::GetAtt" in value:
            return physical.get(value["Fn::GetAtt"][0], "")
        return value

    ec2, ecs, elbv2 = client("ec2"), client("ecs"), client("elbv2")
    apigw, awslambda, iam, logs = client("apigateway"), client("lambda"), client("iam"), client("logs")
    scaling, dynamodb = client("application-autoscaling"), client("dynamodb")
    apigw2 = client("apigatewayv2")
    sns, cloudwatch = client("sns"), client("cloudwatch")
    # The stack has more than one REST API: each API Gateway resource names its own (RestApiId).
    api = lambda p: ref(p["RestApiId"])  # noqa: E731
    cluster = next((physical[l] for l, r in template.items() if r["Type"] == "AWS::ECS::Cluster"), "")

    def api_resource_id(rest_api, value):
        # A method's ResourceId is a resource's id, or the API's root (Fn::GetAtt [Api, RootResourceId]).
        if isinstance(value, dict) and "Fn::GetAtt" in value and value["Fn::GetAtt"][1] == "RootResourceId":
            return next(i["id"] for i in apigw.get_resources(restApiId=rest_api)["items"] if i["path"] == "/")
        return ref(value)

    def iam_role_arn(value):
        # CloudWatchRoleArn is Fn::GetAtt [Role, Arn]; the role's physical id is its name.
        name = ref(value)
        return iam.get_role(RoleName=name)["Role"]["Arn"] if name else ""

    def security_group_rules(group, direction):
        groups = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"]
        return [rule for g in groups for rule in g.get(direction, [])]

    # How to ask each service whether a resource of the template is there: (how, check(logical id, properties)).
    checks = {
        "AWS::DynamoDB::Table": ("DescribeTable", lambda l, p: dynamodb.describe_table(TableName=physical[l])),
        "AWS::Lambda::Function": ("GetFunction", lambda l, p: awslambda.get_function(FunctionName=physical[l])),
        # moto gives a layer version no physical id, and attaches no layer to a function (the stack's
        # tests check the function's Layers in the template): the version is found by its description.
        "AWS::Lambda::LayerVersion": (
            "ListLayers",
            lambda l, p: any(
                layer["LatestMatchingVersion"].get("Description") == p["Description"]
                for layer in awslambda.list_layers()["Layers"]
            ),
        ),
        "AWS::Lambda::Version": (
            "ListVersionsByFunction",
            lambda l, p: [
                v for v in awslambda.list_versions_by_function(FunctionName=ref(p["FunctionName"]))["Versions"]
                if v["Version"] != "$LATEST"
            ],
        ),
        "AWS::Lambda::Alias": (
            "GetAlias",
            lambda l, p: awslambda.get_alias(FunctionName=ref(p["FunctionName"]), Name=p["Name"]),
        ),
        "AWS::Lambda::Permission": (
            "GetPolicy of its function",
            lambda l, p: awslambda.get_policy(FunctionName=ref(p["FunctionName"]))["Policy"],
        ),
        "AWS::IAM::Role": ("GetRole", lambda l, p: iam.get_role(RoleName=physical[l])),
        "AWS::IAM::Policy": (
            "GetRolePolicy on its role",
            lambda l, p: iam.get_role_policy(RoleName=ref(p["Roles"][0]), PolicyName=p["PolicyName"]),
        ),
        "AWS::Logs::LogGroup": (
            "DescribeLogGroups",
            lambda l, p: any(
                g["logGroupName"] == physical[l]
                for g in logs.describe_log_groups(logGroupNamePrefix=physical[l])["logGroups"]
            ),
        ),
        "AWS::ApiGateway::RestApi": ("GetRestApi", lambda l, p: apigw.get_rest_api(restApiId=physical[l])),
        "AWS::ApiGateway::Resource": (
            "GetResource",
            lambda l, p: apigw.get_resource(restApiId=api(p), resourceId=physical[l]),
        ),
        "AWS::ApiGateway::Method": (
            "GetMethod",
            lambda l, p: apigw.get_method(
                restApiId=api(p), resourceId=api_resource_id(api(p), p["ResourceId"]), httpMethod=p["HttpMethod"]
            ),
        ),
        "AWS::ApiGateway::Deployment": ("GetDeployments", lambda l, p: apigw.get_deployments(restApiId=api(p))["items"]),
        "AWS::ApiGateway::Stage": (
            "GetStage",
            lambda l, p: apigw.get_stage(restApiId=api(p), stageName=p["StageName"]),
        ),
        "AWS::ApiGateway::GatewayResponse": (
            "GetGatewayResponse, with the stack's headers",
            lambda l, p: apigw.get_gateway_response(restApiId=api(p), responseType=p["ResponseType"]).get(
                "responseParameters"
            ),
        ),
        "AWS::ApiGateway::Account": (
            "GetAccount: the region's CloudWatch role is the stack's",
            lambda l, p: apigw.get_account().get("cloudwatchRoleArn") == iam_role_arn(p["CloudWatchRoleArn"]),
        ),
        "AWS::ApiGatewayV2::Api": ("GetApi", lambda l, p: apigw2.get_api(ApiId=physical[l])),
        "AWS::ApiGatewayV2::Integration": (
            "GetIntegrations of its API: one to its function",
            lambda l, p: any(
                i.get("IntegrationUri") == ref(p["IntegrationUri"])
                for i in apigw2.get_integrations(ApiId=ref(p["ApiId"]))["Items"]
            ),
        ),
        "AWS::ApiGatewayV2::Route": (
            "GetRoutes of its API",
            lambda l, p: any(
                r["RouteKey"] == p["RouteKey"] for r in apigw2.get_routes(ApiId=ref(p["ApiId"]))["Items"]
            ),
        ),
        "AWS::ApiGatewayV2::Stage": (
            "GetStage",
            lambda l, p: apigw2.get_stage(ApiId=ref(p["ApiId"]), StageName=p["StageName"]),
        ),
        "AWS::Lambda::Url": (
            "GetFunctionUrlConfig",
            lambda l, p: awslambda.get_function_url_config(FunctionName=ref(p["TargetFunctionArn"])),
        ),
        "AWS::EC2::VPC": ("DescribeVpcs", lambda l, p: ec2.describe_vpcs(VpcIds=[physical[l]])["Vpcs"]),
        "AWS::EC2::Subnet": ("DescribeSubnets", lambda l, p: ec2.describe_subnets(SubnetIds=[physical[l]])["Subnets"]),
        "AWS::EC2::RouteTable": (
            "DescribeRouteTables",
            lambda l, p: ec2.describe_route_tables(RouteTableIds=[physical[l]])["RouteTables"],
        ),
        "AWS::EC2::SubnetRouteTableAssociation": (
            "DescribeRouteTables: the subnet is associated",
            lambda l, p: any(
                a.get("SubnetId") == ref(p["SubnetId"])
                for t in ec2.describe_route_tables(RouteTableIds=[ref(p["RouteTableId"])])["RouteTables"]
                for a in t.get("Associations", [])
            ),
        ),
        "AWS::EC2::Route": (
            "DescribeRouteTables: the route is there",
            lambda l, p: any(
                r.get("DestinationCidrBlock") == p["DestinationCidrBlock"]
                for t in ec2.describe_route_tables(RouteTableIds=[ref(p["RouteTableId"])])["RouteTables"]
                for r in t.get("Routes", [])
            ),
        ),
        "AWS::EC2::InternetGateway": (
            "DescribeInternetGateways",
            lambda l, p: ec2.describe_internet_gateways(InternetGatewayIds=[physical[l]])["InternetGateways"],
        ),
        "AWS::EC2::VPCGatewayAttachment": (
            "DescribeInternetGateways: attached to the VPC",
            lambda l, p: any(
                a.get("VpcId") == ref(p["VpcId"])
                for g in ec2.describe_internet_gateways(InternetGatewayIds=[ref(p["InternetGatewayId"])])[
                    "InternetGateways"
                ]
                for a in g.get("Attachments", [])
            ),
        ),
        "AWS::EC2::SecurityGroup": (
            "DescribeSecurityGroups",
            lambda l, p: ec2.describe_security_groups(GroupIds=[physical[l]])["SecurityGroups"],
        ),
        "AWS::EC2::SecurityGroupIngress": (
            "DescribeSecurityGroups: the rule from the other group",
            lambda l, p: any(
                pair.get("GroupId") == ref(p["SourceSecurityGroupId"])
                for rule in security_group_rules(ref(p["GroupId"]), "IpPermissions")
                for pair in rule.get("UserIdGroupPairs", [])
            ),
        ),
        "AWS::EC2::SecurityGroupEgress": (
            "DescribeSecurityGroups: the rule to the other group",
            lambda l, p: any(
                pair.get("GroupId") == ref(p["DestinationSecurityGroupId"])
                for rule in security_group_rules(ref(p["GroupId"]), "IpPermissionsEgress")
                for pair in rule.get("UserIdGroupPairs", [])
            ),
        ),
        "AWS::EC2::VPCEndpoint": (
            "DescribeVpcEndpoints",
            lambda l, p: ec2.describe_vpc_endpoints(VpcEndpointIds=[physical[l]])["VpcEndpoints"],
        ),
        "AWS::ECS::Cluster": ("DescribeClusters", lambda l, p: ecs.describe_clusters(clusters=[physical[l]])["clusters"]),
        "AWS::ECS::TaskDefinition": (
            "DescribeTaskDefinition",
            lambda l, p: ecs.describe_task_definition(taskDefinition=physical[l]),
        ),
        "AWS::ECS::Service": (
            "DescribeServices",
            lambda l, p: ecs.describe_services(cluster=cluster, services=[physical[l]])["services"],
        ),
        "AWS::ElasticLoadBalancingV2::LoadBalancer": (
            "DescribeLoadBalancers",
            lambda l, p: elbv2.describe_load_balancers(LoadBalancerArns=[physical[l]])["LoadBalancers"],
        ),
        "AWS::ElasticLoadBalancingV2::Listener": (
            "DescribeListeners",
            lambda l, p: elbv2.describe_listeners(ListenerArns=[physical[l]])["Listeners"],
        ),
        "AWS::ElasticLoadBalancingV2::TargetGroup": (
            "DescribeTargetGroups",
            lambda l, p: elbv2.describe_target_groups(TargetGroupArns=[physical[l]])["TargetGroups"],
        ),
        "AWS::ApplicationAutoScaling::ScalableTarget": (
            "DescribeScalableTargets",
            lambda l, p: scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"],
        ),
        "AWS::ApplicationAutoScaling::ScalingPolicy": (
            "DescribeScalingPolicies",
            lambda l, p: scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"],
        ),
        "AWS::SNS::Topic": ("GetTopicAttributes", lambda l, p: sns.get_topic_attributes(TopicArn=physical[l])["Attributes"]),
        "AWS::SNS::TopicPolicy": (
            "GetTopicAttributes (Policy)",
            lambda l, p: "SecureTransport" in sns.get_topic_attributes(TopicArn=ref(p["Topics"][0]))["Attributes"].get("Policy", ""),
        ),
        "AWS::CloudWatch::Dashboard": ("GetDashboard", lambda l, p: cloudwatch.get_dashboard(DashboardName=physical[l])),
        "AWS::CloudWatch::Alarm": (
            "DescribeAlarms",
            lambda l, p: physical.get(l) and cloudwatch.describe_alarms(AlarmNames=[physical[l]])["MetricAlarms"],
        ),
        "AWS::Logs::MetricFilter": (
            "DescribeMetricFilters",
            lambda l, p: logs.describe_metric_filters(logGroupName=ref(p["LogGroupName"]))["metricFilters"],
        ),
        "AWS::Logs::QueryDefinition": (
            "DescribeQueryDefinitions",
            lambda l, p: logs.describe_query_definitions(queryDefinitionNamePrefix=p["Name"])["queryDefinitions"],
        ),
    }

    resources = []
    for logical, resource in template.items():
        kind = resource["Type"]
        if kind == "AWS::CDK::Metadata":
            continue
        how, check = checks.get(kind, ("no check for this type", lambda l, p: False))
        try:
            found = bool(check(logical, resource.get("Properties", {})))
        except (botocore.exceptions.ClientError, KeyError, IndexError, StopIteration, TypeError):
            found = False
        resources.append({"logical_id": logical, "type": kind, "found": found, "how": how})

    environments = {}
    table = {}
    for logical, resource in template.items():
        if resource["Type"] == "AWS::Lambda::Function" and physical.get(logical):
            configuration = awslambda.get_function_configuration(FunctionName=physical[logical])
            environments[physical[logical]] = configuration.get("Environment", {}).get("Variables", {})
        if resource["Type"] == "AWS::DynamoDB::Table" and physical.get(logical):
            described = dynamodb.describe_table(TableName=physical[logical])["Table"]
            table = {
                "name": described["TableName"],
                "key_schema": described["KeySchema"],
                "indexes": [
                    {"name": i["IndexName"], "key_schema": i["KeySchema"], "projection": i["Projection"]["ProjectionType"]}
                    for i in described.get("GlobalSecondaryIndexes", [])
                ],
            }

    print(
        json.dumps(
            {"stack_status": status, "resources": resources, "function_environments": environments, "table": table}
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
