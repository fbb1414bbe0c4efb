//! The account's side of a first deploy: what a new AWS account lacks that this stack needs, read
//! before anything changes, and the one-time steps the deploy takes for it.
//!
//! CloudFormation cannot see these. A new account has no API Gateway CloudWatch role (a stage that
//! writes access logs is refused without one), may not yet have the service-linked roles ECS and
//! Application Auto Scaling use (the first cluster of an account can race the role's creation),
//! and starts with a Lambda concurrency quota below the usual 1,000; and X-Ray takes the blog's
//! own spans only once Transaction Search is on. [`check`] reads all of it with read-only calls;
//! [`prepare`] creates what is missing and can be created ahead.

use std::fmt::Write as _;

use anyhow::{Context as _, Result};
use aws_config::SdkConfig;

/// A service-linked role: an IAM role a service creates for itself, once per account, and uses
/// to act on the account's resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceLinkedRole {
    /// The service that uses it, as `CreateServiceLinkedRole` names it.
    pub service: &'static str,
    pub name: &'static str,
    /// What the stack needs it for.
    pub needed_for: &'static str,
    /// Who else in the account uses it (so it stays after `destroy`).
    pub used_by: &'static str,
}

// ANCHOR: service_linked_roles
/// The service-linked roles the stack's services use. Each is created by its service on first
/// use, but not always in time: creating them first makes the deploy independent of that race.
pub const SERVICE_LINKED_ROLES: [ServiceLinkedRole; 2] = [
    ServiceLinkedRole {
        service: "ecs.amazonaws.com",
        name: "AWSServiceRoleForECS",
        needed_for: "ECS gives each task its network interface and registers it with the load balancer",
        used_by: "every ECS cluster of the account",
    },
    ServiceLinkedRole {
        service: "ecs.application-autoscaling.amazonaws.com",
        name: "AWSServiceRoleForApplicationAutoScaling_ECSService",
        needed_for: "the service's scaling on CPU (the template's ScalableTarget names this role)",
        used_by: "every scaled ECS service of the account",
    },
];
// ANCHOR_END: service_linked_roles

/// Lambda's concurrency limits in the region: how many execution environments may run at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LambdaConcurrency {
    /// The account's limit in the region (1,000 by default; lower in a new account).
    pub limit: i32,
    /// What is left for functions without reserved concurrency, such as the stack's.
    pub unreserved: i32,
}

/// What the account and region have, as read by [`check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountState {
    pub account: String,
    pub region: String,
    /// The region's API Gateway CloudWatch role, if one is set.
    pub api_gateway_logs_role: Option<String>,
    /// Each of [`SERVICE_LINKED_ROLES`], and whether the account has it.
    pub service_linked_roles: Vec<(ServiceLinkedRole, bool)>,
    /// Lambda's concurrency limits, or why they could not be read.
    pub lambda_concurrency: Result<LambdaConcurrency, String>,
    /// Where X-Ray puts the spans it receives, or why it could not be read.
    pub span_destination: Result<SpanDestination, String>,
}

// ANCHOR: span_destination
/// Where X-Ray puts the spans it receives, as `GetTraceSegmentDestination` answers:
/// `CloudWatchLogs` once Transaction Search is on (its OTLP endpoint then takes spans, the
/// blog's among them), `XRay` before.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SpanDestination {
    pub destination: String,
    /// `ACTIVE`, or `PENDING` while a change takes effect.
    pub status: String,
}

impl SpanDestination {
    /// Whether X-Ray's OTLP endpoint takes spans: Transaction Search is on, or turning on.
    pub fn takes_spans(&self) -> bool {
        self.destination == "CloudWatchLogs"
    }
}

/// Asks X-Ray where its spans go (`xray:GetTraceSegmentDestination`, read-only). Rather than build
/// the SDK's X-Ray crate for one read, one request signed by chapter 12's client:
/// `POST /GetTraceSegmentDestination` to the region's endpoint (or the configured one).
pub async fn span_destination(config: &SdkConfig) -> Result<SpanDestination, String> {
    use ch12_operating::traces::SignedClient;
    let region = config.region().ok_or("no AWS region is set")?.to_string();
    let credentials = config
        .credentials_provider()
        .ok_or("no AWS credentials are configured")?;
    let client = SignedClient::new(
        credentials,
        region.clone(),
        ch02_dynamodb::trust::AMAZON_TRUST_SERVICES,
    )
    .map_err(|err| err.to_string())?;
    let endpoint = config.endpoint_url().map_or_else(
        || format!("https://xray.{region}.amazonaws.com"),
        str::to_owned,
    );
    let request = http::Request::post(format!(
        "{}/GetTraceSegmentDestination",
        endpoint.trim_end_matches('/')
    ))
    .header("content-type", "application/json")
    .body(bytes::Bytes::new())
    .map_err(|err| err.to_string())?;
    let response = client.send(request).await.map_err(|err| err.to_string())?;
    if !response.status().is_success() {
        // X-Ray's errors are JSON with a message; anything else says no more than its status.
        let message = serde_json::from_slice::<serde_json::Value>(response.body())
            .ok()
            .and_then(|error| {
                let message = error.get("message").or_else(|| error.get("Message"))?;
                Some(format!(": {}", message.as_str()?))
            })
            .unwrap_or_default();
        return Err(format!(
            "xray:GetTraceSegmentDestination answered {}{message}",
            response.status()
        ));
    }
    serde_json::from_slice(response.body()).map_err(|err| {
        format!("xray:GetTraceSegmentDestination answered what is not its answer: {err}")
    })
}
// ANCHOR_END: span_destination

impl AccountState {
    /// The roles [`prepare`] will create.
    pub fn missing_roles(&self) -> Vec<ServiceLinkedRole> {
        self.service_linked_roles
            .iter()
            .filter(|(_, exists)| !exists)
            .map(|(role, _)| *role)
            .collect()
    }
}

// ANCHOR: check
/// Reads what the account has, with read-only calls: who the credentials belong to (STS), the
/// region's API Gateway account settings, the service-linked roles (IAM), and Lambda's account
/// settings. Changes nothing.
pub async fn check(config: &SdkConfig) -> Result<AccountState> {
    let region = config.region().context("no AWS region is set")?.to_string();
    let identity = aws_sdk_sts::Client::new(config)
        .get_caller_identity()
        .send()
        .await
        .context("cannot tell whose credentials these are (sts:GetCallerIdentity)")?;
    let account = identity.account().unwrap_or_default().to_owned();

    let api_gateway = aws_sdk_apigateway::Client::new(config)
        .get_account()
        .send()
        .await
        .context("cannot read API Gateway's account settings (apigateway:GET /account)")?;
    let api_gateway_logs_role = api_gateway
        .cloudwatch_role_arn()
        .filter(|arn| !arn.is_empty())
        .map(str::to_owned);

    let iam = aws_sdk_iam::Client::new(config);
    let mut service_linked_roles = Vec::new();
    for role in SERVICE_LINKED_ROLES {
        // Service-linked roles live under /aws-service-role/<service>/.
        let found = iam
            .list_roles()
            .path_prefix(format!("/aws-service-role/{}/", role.service))
            .send()
            .await
            .with_context(|| {
                format!("cannot list the roles of {} (iam:ListRoles)", role.service)
            })?;
        service_linked_roles.push((role, !found.roles().is_empty()));
    }

    let lambda_concurrency = match aws_sdk_lambda::Client::new(config)
        .get_account_settings()
        .send()
        .await
    {
        Ok(settings) => settings
            .account_limit()
            .map(|limit| LambdaConcurrency {
                limit: limit.concurrent_executions(),
                unreserved: limit
                    .unreserved_concurrent_executions()
                    .unwrap_or(limit.concurrent_executions()),
            })
            .context("Lambda's account settings have no limits")
            .map_err(|err| err.to_string()),
        Err(err) => Err(aws_sdk_lambda::error::DisplayErrorContext(err).to_string()),
    };

    let span_destination = span_destination(config).await;

    Ok(AccountState {
        account,
        region,
        api_gateway_logs_role,
        service_linked_roles,
        lambda_concurrency,
        span_destination,
    })
}
// ANCHOR_END: check

// ANCHOR: prepare
/// Creates the service-linked roles the account lacks, before the stack needs them. A role that
/// appeared since [`check`] (a service made it meanwhile) is fine: IAM answers that the name is
/// taken, and that is what we wanted. Returns the roles it created.
pub async fn prepare(config: &SdkConfig, state: &AccountState) -> Result<Vec<&'static str>> {
    let iam = aws_sdk_iam::Client::new(config);
    let mut created = Vec::new();
    for role in state.missing_roles() {
        match iam
            .create_service_linked_role()
            .aws_service_name(role.service)
            .send()
            .await
        {
            Ok(_) => created.push(role.name),
            Err(err) if already_exists(&err) => {}
            Err(err) => {
                return Err(anyhow::Error::new(err).context(format!(
                    "cannot create the service-linked role {} (iam:CreateServiceLinkedRole)",
                    role.name
                )));
            }
        }
    }
    Ok(created)
}

/// IAM answers a second `CreateServiceLinkedRole` with `InvalidInput` ("... has been taken in
/// this account"); some emulators with `EntityAlreadyExists`. Either means the role is there.
fn already_exists<R>(
    err: &aws_sdk_iam::error::SdkError<
        aws_sdk_iam::operation::create_service_linked_role::CreateServiceLinkedRoleError,
        R,
    >,
) -> bool {
    use aws_sdk_iam::error::ProvideErrorMetadata as _;
    err.as_service_error()
        .is_some_and(|service| match service.code() {
            Some("InvalidInput") => service
                .message()
                .is_some_and(|message| message.contains("has been taken")),
            Some("EntityAlreadyExists") => true,
            _ => false,
        })
}
// ANCHOR_END: prepare

/// What the plan says about the account: what it has, and what the deploy will do about each.
/// `stage_burst` is the stage's burst limit: requests API Gateway admits at once.
pub fn describe(state: &AccountState, stage_burst: u32) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Your account ({}, {}):", state.account, state.region);
    let logs_role = match &state.api_gateway_logs_role {
        Some(arn) => format!("{arn} (the stack uses it)"),
        None => "none in this region: the stack sets one (it stays after destroy)".to_owned(),
    };
    let _ = writeln!(out, "  API Gateway's CloudWatch role: {logs_role}");
    for (role, exists) in &state.service_linked_roles {
        let what = if *exists {
            "present".to_owned()
        } else {
            "missing: created before the stack (it stays after destroy)".to_owned()
        };
        let _ = writeln!(out, "  service-linked role {}: {what}", role.name);
    }
    let concurrency = match &state.lambda_concurrency {
        Ok(concurrency) => concurrency_note(*concurrency, stage_burst),
        Err(why) => format!(
            "not read ({why}); a new account's limit may be far below 1,000: see Service Quotas"
        ),
    };
    let _ = writeln!(out, "  Lambda concurrency: {concurrency}");
    let spans = match &state.span_destination {
        Ok(destination) if destination.takes_spans() => {
            format!("on ({}): X-Ray takes the blog's spans", destination.status)
        }
        Ok(_) => "off: X-Ray's OTLP endpoint refuses the blog's spans, and each refused send is \
                  a warning line. Turn it on once for the account (chapter 12), or set \
                  export_spans to false"
            .to_owned(),
        Err(why) => {
            format!("not read ({why}); without it X-Ray refuses the blog's spans (chapter 12)")
        }
    };
    let _ = writeln!(out, "  X-Ray Transaction Search: {spans}");
    out
}

// ANCHOR: concurrency
/// What the account's Lambda concurrency means for the stage: a burst the stage admits but Lambda
/// cannot run at once is throttled, and API Gateway turns that into a `500` for the client.
pub fn concurrency_note(concurrency: LambdaConcurrency, stage_burst: u32) -> String {
    let LambdaConcurrency { limit, unreserved } = concurrency;
    let mut note = format!("{limit} at once ({unreserved} unreserved)");
    if i64::from(unreserved) < i64::from(stage_burst) {
        let _ = write!(
            note,
            ": below the stage's burst of {stage_burst}, so a burst of more than {unreserved} \
             requests at once is throttled (API Gateway answers 500) until AWS raises the quota"
        );
    }
    note
}
// ANCHOR_END: concurrency
