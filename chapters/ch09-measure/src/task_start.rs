//! The container's start on AWS: how long a new task takes, from the moment the run asks ECS for
//! a new deployment of the service to the moment the load balancer first reports the new task's
//! target healthy. That span holds everything a new task waits for on Fargate (placing it,
//! pulling the image, starting the process) and the load balancer's health checks, which are
//! what decide when it takes traffic.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use aws_sdk_ecs::Client as EcsClient;
use aws_sdk_elasticloadbalancingv2::Client as LoadBalancingClient;
use aws_sdk_elasticloadbalancingv2::types::TargetHealthStateEnum;
use serde::Serialize;
use serde_json::Value;

/// How long one new task may take to become healthy before the run gives up.
pub const HEALTHY_LIMIT: Duration = Duration::from_secs(600);

/// How long the previous deployment may take to finish before the run asks for the next.
pub const SETTLE_LIMIT: Duration = Duration::from_secs(900);

/// The container's service, as ECS and the load balancer name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub cluster: String,
    pub service: String,
    pub target_group: String,
}

/// The container's cluster, service and target group in the stack: the only resource of each
/// type under the stack's `Containers` construct (`physical`: logical id to physical id).
pub fn resolve(template: &Value, physical: &HashMap<String, String>) -> Result<Service> {
    let one = |kind: &str| -> Result<String> {
        let logical = template["Resources"]
            .as_object()
            .context("the template has no resources")?
            .iter()
            .find(|(_, r)| {
                r["Type"] == kind
                    && r["Metadata"]["aws:cdk:path"]
                        .as_str()
                        .is_some_and(|path| path.split('/').nth(1) == Some("Containers"))
            })
            .map(|(logical, _)| logical.clone())
            .with_context(|| format!("the template has no {kind} under Containers"))?;
        physical.get(&logical).cloned().with_context(|| {
            format!("the stack has no {logical}: deploy again, with `cargo xtask deploy`")
        })
    };
    Ok(Service {
        cluster: one("AWS::ECS::Cluster")?,
        service: one("AWS::ECS::Service")?,
        target_group: one("AWS::ElasticLoadBalancingV2::TargetGroup")?,
    })
}

/// The targets the load balancer reports healthy.
async fn healthy(elb: &LoadBalancingClient, target_group: &str) -> Result<BTreeSet<String>> {
    let answer = elb
        .describe_target_health()
        .target_group_arn(target_group)
        .send()
        .await
        .with_context(|| format!("cannot read the health of {target_group}"))?;
    Ok(answer
        .target_health_descriptions()
        .iter()
        .filter(|d| {
            d.target_health().and_then(|h| h.state()) == Some(&TargetHealthStateEnum::Healthy)
        })
        .filter_map(|d| d.target().and_then(|t| t.id()).map(str::to_owned))
        .collect())
}

/// Waits until the service has one deployment: the previous one has finished.
async fn settled(ecs: &EcsClient, service: &Service, limit: Duration) -> Result<()> {
    let started = Instant::now();
    loop {
        let answer = ecs
            .describe_services()
            .cluster(&service.cluster)
            .services(&service.service)
            .send()
            .await
            .with_context(|| format!("cannot describe the service {}", service.service))?;
        let deployments = answer
            .services()
            .first()
            .map_or(0, |s| s.deployments().len());
        if deployments == 1 {
            return Ok(());
        }
        if started.elapsed() > limit {
            bail!(
                "the service {} still has {deployments} deployments after {} s",
                service.service,
                limit.as_secs()
            );
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

/// One new task's start: how long it took, and the target it became.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskStart {
    pub seconds: f64,
    pub target: String,
}

// ANCHOR: task_start
/// Asks ECS for a new deployment of `service` (the same task definition: a new task) and waits
/// until the load balancer reports a target healthy that was not healthy before: the new task.
pub async fn new_task(
    ecs: &EcsClient,
    elb: &LoadBalancingClient,
    service: &Service,
    limit: Duration,
) -> Result<TaskStart> {
    settled(ecs, service, SETTLE_LIMIT).await?;
    let before = healthy(elb, &service.target_group).await?;
    let asked = Instant::now();
    ecs.update_service()
        .cluster(&service.cluster)
        .service(&service.service)
        .force_new_deployment(true)
        .send()
        .await
        .with_context(|| format!("cannot deploy the service {} again", service.service))?;
    loop {
        let now = healthy(elb, &service.target_group).await?;
        if let Some(target) = now.difference(&before).next() {
            return Ok(TaskStart {
                seconds: asked.elapsed().as_secs_f64(),
                target: target.clone(),
            });
        }
        if asked.elapsed() > limit {
            bail!(
                "no new task of {} was healthy within {} s",
                service.service,
                limit.as_secs()
            );
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
// ANCHOR_END: task_start

/// The markdown table of a run's new tasks.
pub fn table(starts: &[TaskStart]) -> String {
    let seconds = crate::stats::sorted(starts.iter().map(|s| s.seconds));
    let mut out = String::from(
        "| the container's service | new tasks | asked to healthy, p50 | max |\n|---|---:|---:|---:|\n",
    );
    let _ = writeln!(
        out,
        "| ContainersURL | {} | {:.0} s | {:.0} s |",
        seconds.len(),
        crate::stats::percentile(&seconds, 50.0),
        seconds.last().copied().unwrap_or(f64::NAN)
    );
    out
}

#[cfg(test)]
mod tests {
    //! Against moto (CloudFormation, ECS, Elastic Load Balancing). moto keeps a service's
    //! deployments but starts no tasks, so the test plays ECS's part: on each new deployment it
    //! registers the new task's address in the target group, as ECS does once a task runs, and
    //! takes the old one out.

    use std::time::{SystemTime, UNIX_EPOCH};

    use aws_sdk_elasticloadbalancingv2::types::TargetDescription;
    use serde_json::json;

    use super::*;
    use crate::server_side::stack_resources;

    /// The container's half of a stack, as the CDK names its parts.
    fn template(stack: &str) -> Value {
        let at = |path: &str| json!({ "aws:cdk:path": format!("{stack}/Containers/{path}") });
        json!({ "Resources": {
            "Vpc": { "Type": "AWS::EC2::VPC", "Properties": { "CidrBlock": "10.0.0.0/16" } },
            "ContainersCluster": { "Type": "AWS::ECS::Cluster", "Metadata": at("Cluster/Resource") },
            "ContainersTaskDef": {
                "Type": "AWS::ECS::TaskDefinition",
                "Properties": {
                    "Family": format!("{stack}-blog"),
                    "RequiresCompatibilities": ["FARGATE"], "NetworkMode": "awsvpc", "Cpu": "256", "Memory": "512",
                    "ContainerDefinitions": [{ "Name": "blog", "Image": "blog-server", "PortMappings": [{ "ContainerPort": 8080 }] }],
                },
            },
            "ContainersGroup": {
                "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
                "Metadata": at("Service/LB/PublicListener/ECSGroup/Resource"),
                "Properties": { "Port": 8080, "Protocol": "HTTP", "TargetType": "ip", "VpcId": { "Ref": "Vpc" } },
            },
            "ContainersService": {
                "Type": "AWS::ECS::Service",
                "Metadata": at("Service/Service/Service"),
                "Properties": {
                    "Cluster": { "Ref": "ContainersCluster" }, "TaskDefinition": { "Ref": "ContainersTaskDef" },
                    "DesiredCount": 1, "LaunchType": "FARGATE",
                },
            },
        }})
    }

    async fn register(elb: &LoadBalancingClient, group: &str, address: &str, on: bool) {
        let target = TargetDescription::builder().id(address).port(8080).build();
        if on {
            elb.register_targets()
                .target_group_arn(group)
                .targets(target)
                .send()
                .await
                .unwrap();
        } else {
            elb.deregister_targets()
                .target_group_arn(group)
                .targets(target)
                .send()
                .await
                .unwrap();
        }
    }

    async fn deployment(ecs: &EcsClient, service: &Service) -> String {
        let answer = ecs
            .describe_services()
            .cluster(&service.cluster)
            .services(&service.service)
            .send()
            .await
            .unwrap();
        answer.services()[0].deployments()[0]
            .id()
            .unwrap()
            .to_owned()
    }

    /// The container's half of a new stack on moto, and the clients to reach it.
    async fn service_on_moto() -> (EcsClient, LoadBalancingClient, Service) {
        let config = crate::moto_config().await;
        let (cloudformation, ecs, elb) = (
            aws_sdk_cloudformation::Client::new(&config),
            EcsClient::new(&config),
            LoadBalancingClient::new(&config),
        );
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let stack = format!("Blog{nanos}");
        let template = template(&stack);
        cloudformation
            .create_stack()
            .stack_name(&stack)
            .template_body(template.to_string())
            .send()
            .await
            .unwrap();
        let service = resolve(
            &template,
            &stack_resources(&cloudformation, &stack).await.unwrap(),
        )
        .unwrap();
        (ecs, elb, service)
    }

    // ANCHOR: moto
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_new_deployment_is_timed_to_its_new_tasks_healthy_target() {
        let (ecs, elb, service) = service_on_moto().await;
        // The task that runs before the measurement.
        register(&elb, &service.target_group, "10.0.0.1", true).await;
        // ECS's part: a new task's target for each new deployment, the old one taken out.
        let scheduler = {
            let (ecs, elb, service) = (ecs.clone(), elb.clone(), service.clone());
            // Read before any new deployment is asked for.
            let mut last = deployment(&ecs, &service).await;
            tokio::spawn(async move {
                for n in 2..=3 {
                    loop {
                        let now = deployment(&ecs, &service).await;
                        if now != last {
                            last = now;
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    register(&elb, &service.target_group, &format!("10.0.0.{n}"), true).await;
                    register(
                        &elb,
                        &service.target_group,
                        &format!("10.0.0.{}", n - 1),
                        false,
                    )
                    .await;
                }
            })
        };
        let mut starts = Vec::new();
        for _ in 0..2 {
            starts.push(
                new_task(&ecs, &elb, &service, Duration::from_secs(60))
                    .await
                    .unwrap(),
            );
        }
        scheduler.await.unwrap();
        let targets: Vec<&str> = starts.iter().map(|s| s.target.as_str()).collect();
        assert_eq!(targets, ["10.0.0.2", "10.0.0.3"]);
        assert!(starts.iter().all(|s| s.seconds > 0.0), "{starts:?}");
        let table = table(&starts);
        assert!(table.contains("| ContainersURL | 2 |"), "{table}");
    }
    // ANCHOR_END: moto

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_task_that_never_becomes_healthy_is_reported() {
        let (ecs, elb, service) = service_on_moto().await;
        let err = new_task(&ecs, &elb, &service, Duration::ZERO)
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("no new task of {} was healthy within 0 s", service.service)
        );
    }
}
