//! The front doors' own view of your run, from CloudWatch: for the minutes the latency run took,
//! API Gateway's `Latency` (from the request's arrival to the answer's return) and
//! `IntegrationLatency` (the function's part of it) for each REST and HTTP API, and the load
//! balancer's `TargetResponseTime` (from the request leaving the load balancer to the task's
//! answer), and a function URL's `UrlRequestLatency` (from the URL receiving the request to its
//! answer). Each is read as the requests it counted, their average and their maximum.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context as _, Result};
use aws_sdk_cloudwatch::Client as CloudWatchClient;
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, Statistic};
use serde::Serialize;
use serde_json::Value;

/// Where one deployed variant's door publishes its metrics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Door {
    /// The stack output whose URL the run measured (`FunctionsURL`, ...).
    pub key: String,
    pub namespace: &'static str,
    pub dimensions: Vec<(String, String)>,
    /// (metric, how many milliseconds its unit is).
    pub metrics: Vec<(&'static str, f64)>,
}

/// What CloudWatch counted of one metric over the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observed {
    pub key: String,
    pub metric: String,
    pub requests: f64,
    pub average_ms: f64,
    pub max_ms: f64,
}

/// How long CloudWatch may take to publish the run's datapoints: API Gateway and the load
/// balancer send them in one-minute periods.
pub const PUBLISH_LIMIT: Duration = Duration::from_secs(300);

/// The logical ids an output's value refers to (`Ref`, `Fn::GetAtt`).
fn referred(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(id)) = map.get("Ref") {
                into.push(id.clone());
            }
            if let Some(Value::String(id)) = map.get("Fn::GetAtt").and_then(|a| a.get(0)) {
                into.push(id.clone());
            }
            map.values().for_each(|v| referred(v, into));
        }
        Value::Array(items) => items.iter().for_each(|v| referred(v, into)),
        _ => {}
    }
}

// ANCHOR: doors
/// The door of each measured output in `urls` (key, URL): which API or load balancer the
/// template's output refers to, named as CloudWatch names it (`physical`: the stack's resources,
/// logical id to physical id).
pub fn doors(
    template: &Value,
    urls: &[(String, String)],
    physical: &HashMap<String, String>,
) -> Result<Vec<Door>> {
    let mut doors = Vec::new();
    for (key, url) in urls {
        let mut ids = Vec::new();
        referred(&template["Outputs"][key]["Value"], &mut ids);
        let found = ids.iter().find_map(|id| {
            let resource = &template["Resources"][id];
            let physical_of = |id: &String| physical.get(id);
            let physical = physical_of(id);
            match resource["Type"].as_str()? {
                "AWS::ApiGateway::RestApi" => {
                    let name = resource["Properties"]["Name"].as_str()?;
                    let stage = url.split('/').nth(3).filter(|s| !s.is_empty())?;
                    Some(Door {
                        key: key.clone(),
                        namespace: "AWS/ApiGateway",
                        dimensions: vec![
                            ("ApiName".into(), name.into()),
                            ("Stage".into(), stage.into()),
                        ],
                        metrics: vec![("Latency", 1.0), ("IntegrationLatency", 1.0)],
                    })
                }
                "AWS::ApiGatewayV2::Api" => Some(Door {
                    key: key.clone(),
                    namespace: "AWS/ApiGateway",
                    dimensions: vec![("ApiId".into(), physical?.clone())],
                    metrics: vec![("Latency", 1.0), ("IntegrationLatency", 1.0)],
                }),
                "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
                    let (_, name) = physical?.split_once(":loadbalancer/")?;
                    Some(Door {
                        key: key.clone(),
                        namespace: "AWS/ApplicationELB",
                        dimensions: vec![("LoadBalancer".into(), name.into())],
                        metrics: vec![("TargetResponseTime", 1000.0)],
                    })
                }
                "AWS::Lambda::Url" => {
                    let mut function = Vec::new();
                    referred(&resource["Properties"]["TargetFunctionArn"], &mut function);
                    let function = physical_of(function.first()?)?;
                    Some(Door {
                        key: key.clone(),
                        namespace: "AWS/Lambda",
                        dimensions: vec![("FunctionName".into(), function.clone())],
                        metrics: vec![("UrlRequestLatency", 1.0)],
                    })
                }
                _ => None,
            }
        });
        doors.push(found.with_context(|| {
            format!(
                "the template's output {key} is built from no API, load balancer or function URL this run can read"
            )
        })?);
    }
    Ok(doors)
}
// ANCHOR_END: doors

/// The stack's resources: logical id to physical id. `ListStackResources`, page by page:
/// `DescribeStackResources` stops at 100 resources, and this stack has more.
pub async fn stack_resources(
    cloudformation: &aws_sdk_cloudformation::Client,
    stack: &str,
) -> Result<HashMap<String, String>> {
    let mut resources = HashMap::new();
    let mut token = None;
    loop {
        let page = cloudformation
            .list_stack_resources()
            .stack_name(stack)
            .set_next_token(token)
            .send()
            .await
            .with_context(|| format!("cannot list the resources of the stack {stack}"))?;
        for r in page.stack_resource_summaries() {
            if let (Some(logical), Some(physical)) =
                (r.logical_resource_id(), r.physical_resource_id())
            {
                resources.insert(logical.to_owned(), physical.to_owned());
            }
        }
        match page.next_token() {
            Some(next) => token = Some(next.to_owned()),
            None => return Ok(resources),
        }
    }
}

/// The logical id of the resource at construct path `path` (`aws:cdk:path`) in `template`.
pub fn logical_at<'a>(template: &'a Value, path: &str) -> Option<&'a String> {
    template["Resources"]
        .as_object()?
        .iter()
        .find(|(_, resource)| resource["Metadata"]["aws:cdk:path"] == path)
        .map(|(logical, _)| logical)
}

/// Where Lambda publishes the `Duration` of the function at `path` (under the stack): the
/// duration the run prices a month with.
pub fn function_duration(
    template: &Value,
    physical: &HashMap<String, String>,
    stack: &str,
    name: &str,
    path: &str,
) -> Result<Door> {
    let path = format!("{stack}/{path}/Function/Resource");
    let function = logical_at(template, &path)
        .and_then(|logical| physical.get(logical))
        .with_context(|| {
            format!("the stack {stack} has no {path}: deploy again, with `cargo xtask deploy`")
        })?;
    Ok(Door {
        key: name.to_owned(),
        namespace: "AWS/Lambda",
        dimensions: vec![("FunctionName".into(), function.clone())],
        metrics: vec![("Duration", 1.0)],
    })
}

// ANCHOR: observe
/// What CloudWatch counted of each of `door`'s metrics between `start` and `end`: read until
/// every metric has counted `wanted` requests, or until `limit`, after which it reports what
/// had arrived.
pub async fn observe(
    cloudwatch: &CloudWatchClient,
    door: &Door,
    start: SystemTime,
    end: SystemTime,
    wanted: usize,
    limit: Duration,
) -> Result<Vec<Observed>> {
    let started = Instant::now();
    // One-minute periods, from the minute the run began to the one after it ended.
    let start = DateTime::from(start).secs() / 60 * 60;
    let end = (DateTime::from(end).secs() / 60 + 1) * 60;
    loop {
        let mut observed = Vec::new();
        for &(metric, ms_per_unit) in &door.metrics {
            let mut request = cloudwatch
                .get_metric_statistics()
                .namespace(door.namespace)
                .metric_name(metric)
                .start_time(DateTime::from_secs(start))
                .end_time(DateTime::from_secs(end))
                .period(60)
                .statistics(Statistic::SampleCount)
                .statistics(Statistic::Sum)
                .statistics(Statistic::Maximum);
            for (name, value) in &door.dimensions {
                request = request.dimensions(Dimension::builder().name(name).value(value).build());
            }
            let answer = request
                .send()
                .await
                .with_context(|| format!("cannot read {} {metric}", door.namespace))?;
            let points = answer.datapoints();
            let requests: f64 = points.iter().filter_map(|p| p.sample_count()).sum();
            let sum: f64 = points.iter().filter_map(|p| p.sum()).sum();
            let max = points
                .iter()
                .filter_map(|p| p.maximum())
                .fold(0.0, f64::max);
            observed.push(Observed {
                key: door.key.clone(),
                metric: metric.to_owned(),
                requests,
                average_ms: if requests > 0.0 {
                    sum / requests * ms_per_unit
                } else {
                    f64::NAN
                },
                max_ms: max * ms_per_unit,
            });
        }
        let complete = observed.iter().all(|o| o.requests >= wanted as f64);
        if complete || started.elapsed() > limit {
            return Ok(observed);
        }
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
}
// ANCHOR_END: observe

/// The markdown table of what CloudWatch observed.
pub fn table(observed: &[Observed]) -> String {
    let mut out = String::from(
        "| variant | metric | requests counted | average | max |\n|---|---|---:|---:|---:|\n",
    );
    for o in observed {
        if o.requests == 0.0 {
            let _ = writeln!(out, "| {} | {} | 0 | — | — |", o.key, o.metric);
            continue;
        }
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {:.1} ms | {:.1} ms |",
            o.key, o.metric, o.requests, o.average_ms, o.max_ms
        );
    }
    out
}

#[cfg(test)]
mod tests {
    //! Against moto's CloudWatch, into which each test puts the datapoints API Gateway and the
    //! load balancer would publish, under their namespaces, metrics, units and dimensions.

    use std::time::UNIX_EPOCH;

    use aws_sdk_cloudwatch::types::{MetricDatum, StandardUnit};
    use serde_json::json;

    use super::*;

    fn unique() -> u128 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    }

    /// The outputs and resources as the stack's template has them: each URL built from the
    /// API's or the load balancer's reference.
    fn template(api_name: &str) -> Value {
        json!({
            "Resources": {
                "FunctionsApiAAAA": { "Type": "AWS::ApiGateway::RestApi", "Properties": { "Name": api_name } },
                "FunctionsApiStageProdBBBB": { "Type": "AWS::ApiGateway::Stage", "Properties": { "StageName": "Prod" } },
                "HttpApiCCCC": { "Type": "AWS::ApiGatewayV2::Api", "Properties": { "Name": "http" } },
                "ContainersServiceLBDDDD": { "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer" },
                "OneFunctionallroutesEEEE": { "Type": "AWS::Lambda::Function" },
                "OneFunctionUrlFFFF": { "Type": "AWS::Lambda::Url", "Properties": { "TargetFunctionArn": { "Fn::GetAtt": ["OneFunctionallroutesEEEE", "Arn"] } } },
            },
            "Outputs": {
                "FunctionsURL": { "Value": { "Fn::Join": ["", ["https://", { "Ref": "FunctionsApiAAAA" }, ".execute-api.", { "Ref": "AWS::Region" }, ".", { "Ref": "AWS::URLSuffix" }, "/", { "Ref": "FunctionsApiStageProdBBBB" }, "/"]] } },
                "HttpApiURL": { "Value": { "Fn::GetAtt": ["HttpApiCCCC", "ApiEndpoint"] } },
                "ContainersURL": { "Value": { "Fn::Join": ["", ["http://", { "Fn::GetAtt": ["ContainersServiceLBDDDD", "DNSName"] }, "/"]] } },
                "AllRoutesFunctionURL": { "Value": { "Fn::GetAtt": ["OneFunctionUrlFFFF", "FunctionUrl"] } },
            }
        })
    }

    #[test]
    fn each_output_is_traced_to_the_door_cloudwatch_names() {
        let urls = [
            (
                "FunctionsURL",
                "https://abc.execute-api.eu-west-1.amazonaws.com/Prod/",
            ),
            (
                "HttpApiURL",
                "https://def.execute-api.eu-west-1.amazonaws.com/",
            ),
            (
                "ContainersURL",
                "http://blog-123.eu-west-1.elb.amazonaws.com/",
            ),
            (
                "AllRoutesFunctionURL",
                "https://xyz.lambda-url.eu-west-1.on.aws/",
            ),
        ]
        .map(|(k, u)| (k.to_owned(), u.to_owned()));
        let physical: HashMap<String, String> = [
            ("FunctionsApiAAAA", "abc"),
            ("HttpApiCCCC", "def"),
            (
                "ContainersServiceLBDDDD",
                "arn:aws:elasticloadbalancing:eu-west-1:000000000000:loadbalancer/app/blog/0123456789abcdef",
            ),
            ("OneFunctionallroutesEEEE", "ServerlessBlog-allroutes-1A2B3C"),
        ]
        .into_iter()
        .map(|(l, p)| (l.to_owned(), p.to_owned()))
        .collect();
        let doors = doors(&template("ServerlessBlog-functions"), &urls, &physical).unwrap();
        // An output the run cannot trace is said, not skipped.
        let unknown = [("ExportURL".to_owned(), "https://f.example/".to_owned())];
        assert_eq!(
            super::doors(&template("x"), &unknown, &physical)
                .unwrap_err()
                .to_string(),
            "the template's output ExportURL is built from no API, load balancer or function URL this run can read"
        );
        type Named<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);
        let named: Vec<Named> = doors
            .iter()
            .map(|d| {
                (
                    d.key.as_str(),
                    d.namespace,
                    d.dimensions
                        .iter()
                        .map(|(n, v)| (n.as_str(), v.as_str()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            named,
            vec![
                (
                    "FunctionsURL",
                    "AWS/ApiGateway",
                    vec![("ApiName", "ServerlessBlog-functions"), ("Stage", "Prod")]
                ),
                ("HttpApiURL", "AWS/ApiGateway", vec![("ApiId", "def")]),
                (
                    "ContainersURL",
                    "AWS/ApplicationELB",
                    vec![("LoadBalancer", "app/blog/0123456789abcdef")]
                ),
                (
                    "AllRoutesFunctionURL",
                    "AWS/Lambda",
                    vec![("FunctionName", "ServerlessBlog-allroutes-1A2B3C")]
                ),
            ]
        );
    }

    async fn put(
        cloudwatch: &CloudWatchClient,
        door: &Door,
        metric: &str,
        unit: StandardUnit,
        values: &[f64],
    ) {
        let mut request = cloudwatch.put_metric_data().namespace(door.namespace);
        for &value in values {
            let mut datum = MetricDatum::builder()
                .metric_name(metric)
                .unit(unit.clone())
                .value(value)
                .timestamp(DateTime::from(SystemTime::now()));
            for (name, v) in &door.dimensions {
                datum = datum.dimensions(Dimension::builder().name(name).value(v).build());
            }
            request = request.metric_data(datum.build());
        }
        request.send().await.unwrap();
    }

    // ANCHOR: moto
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn what_the_doors_published_over_the_run_is_read_back() {
        let cloudwatch = CloudWatchClient::new(&crate::moto_config().await);
        let api = format!("Blog{}-functions", unique());
        let rest = Door {
            key: "FunctionsURL".into(),
            namespace: "AWS/ApiGateway",
            dimensions: vec![("ApiName".into(), api), ("Stage".into(), "Prod".into())],
            metrics: vec![("Latency", 1.0), ("IntegrationLatency", 1.0)],
        };
        let balancer = Door {
            key: "ContainersURL".into(),
            namespace: "AWS/ApplicationELB",
            dimensions: vec![("LoadBalancer".into(), format!("app/blog/{}", unique()))],
            metrics: vec![("TargetResponseTime", 1000.0)],
        };
        let start = SystemTime::now();
        // What API Gateway and the load balancer publish for four requests: milliseconds from
        // API Gateway, seconds from the load balancer.
        put(
            &cloudwatch,
            &rest,
            "Latency",
            StandardUnit::Milliseconds,
            &[30.0, 32.0, 34.0, 60.0],
        )
        .await;
        put(
            &cloudwatch,
            &rest,
            "IntegrationLatency",
            StandardUnit::Milliseconds,
            &[20.0, 22.0, 24.0, 50.0],
        )
        .await;
        put(
            &cloudwatch,
            &balancer,
            "TargetResponseTime",
            StandardUnit::Seconds,
            &[0.002, 0.002, 0.003, 0.005],
        )
        .await;
        let end = SystemTime::now();
        let mut observed = Vec::new();
        for door in [&rest, &balancer] {
            observed.extend(
                observe(&cloudwatch, door, start, end, 4, Duration::from_secs(30))
                    .await
                    .unwrap(),
            );
        }
        insta::assert_snapshot!("moto_server_side", table(&observed));
        // A run whose datapoints have not all arrived stops at its limit with what it found.
        let early = observe(&cloudwatch, &rest, start, end, 5, Duration::ZERO)
            .await
            .unwrap();
        assert_eq!(early[0].requests, 4.0);
    }
    // ANCHOR_END: moto

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_stacks_resources_are_listed_by_logical_id() {
        let cloudformation = aws_sdk_cloudformation::Client::new(&crate::moto_config().await);
        let stack = format!("Blog{}", unique());
        let template = json!({ "Resources": {
            "AccessLogsAAAA": { "Type": "AWS::Logs::LogGroup" },
        }});
        cloudformation
            .create_stack()
            .stack_name(&stack)
            .template_body(template.to_string())
            .send()
            .await
            .unwrap();
        let resources = stack_resources(&cloudformation, &stack).await.unwrap();
        assert_eq!(resources.len(), 1, "{resources:?}");
        assert!(!resources["AccessLogsAAAA"].is_empty());
    }
}
