//! The preflight against moto, which implements the account's side of it: API Gateway's account
//! settings, IAM's service-linked roles, STS. (Lambda's account settings it does not implement:
//! that read fails here, and the plan says it could not read them.)

use ch02_dynamodb::local::LocalDynamo;
use ch08_deploy::cdk::LogsRole;
use ch08_deploy::logs_role_for;
use ch08_deploy::preflight::{self, LambdaConcurrency, SERVICE_LINKED_ROLES, concurrency_note};

use ch08_deploy::preflight::AccountState;

use crate::support::{account_state, moto_account as fresh_account, stand_in};

#[tokio::test]
async fn a_new_account_has_no_logs_role_and_no_service_linked_roles_and_the_deploy_creates_the_roles()
 {
    let moto = LocalDynamo::start().expect("start moto_server");
    let aws = fresh_account(&moto).await;

    let before = preflight::check(&aws).await.expect("read the account");
    assert_eq!(before.region, "us-east-1");
    assert!(!before.account.is_empty());
    assert_eq!(before.api_gateway_logs_role, None);
    assert_eq!(before.missing_roles(), SERVICE_LINKED_ROLES);
    // With no role in the region, the stack sets one.
    assert_eq!(logs_role_for(Some(&before)), LogsRole::Stack);

    let created = preflight::prepare(&aws, &before)
        .await
        .expect("create the roles");
    assert_eq!(
        created,
        [
            "AWSServiceRoleForECS",
            "AWSServiceRoleForApplicationAutoScaling_ECSService"
        ]
    );
    let after = preflight::check(&aws)
        .await
        .expect("read the account again");
    assert_eq!(after.missing_roles(), []);

    // A role that appeared since the check (a service made it meanwhile) is not an error.
    let again = preflight::prepare(&aws, &before)
        .await
        .expect("roles that exist are fine");
    assert_eq!(again, Vec::<&str>::new());
}

#[tokio::test]
async fn an_account_with_its_own_logs_role_keeps_it_and_one_this_stack_set_stays_the_stacks() {
    let moto = LocalDynamo::start().expect("start moto_server");
    let aws = fresh_account(&moto).await;
    let api_gateway = aws_sdk_apigateway::Client::new(&aws);
    for (role, expected) in [
        (
            "arn:aws:iam::111122223333:role/team-api-gateway-logs",
            LogsRole::Account,
        ),
        (
            "arn:aws:iam::111122223333:role/ServerlessBlog-FunctionsApiCloudWatchRole1A2B3C-XYZ",
            LogsRole::Stack,
        ),
    ] {
        api_gateway
            .update_account()
            .patch_operations(
                aws_sdk_apigateway::types::PatchOperation::builder()
                    .op(aws_sdk_apigateway::types::Op::Replace)
                    .path("/cloudwatchRoleArn")
                    .value(role)
                    .build(),
            )
            .send()
            .await
            .expect("set the account's role");
        let state = preflight::check(&aws).await.expect("read the account");
        assert_eq!(state.api_gateway_logs_role.as_deref(), Some(role));
        assert_eq!(logs_role_for(Some(&state)), expected, "{role}");
    }
    // Without a preflight (no credentials), the stack sets the role.
    assert_eq!(logs_role_for(None), LogsRole::Stack);
}

#[tokio::test]
async fn the_plan_says_what_each_finding_means() {
    let moto = LocalDynamo::start().expect("start moto_server");
    let state = preflight::check(&fresh_account(&moto).await)
        .await
        .expect("read the account");
    // moto has no Lambda account settings: the plan says the limit was not read.
    assert!(state.lambda_concurrency.is_err());
    let shown = preflight::describe(&state, 100);
    assert!(
        shown.contains("none in this region: the stack sets one"),
        "{shown}"
    );
    assert!(
        shown.contains("service-linked role AWSServiceRoleForECS: missing"),
        "{shown}"
    );
    assert!(
        shown.contains("missing: created before the stack"),
        "{shown}"
    );
    assert!(
        shown.contains("a new account's limit may be far below 1,000"),
        "{shown}"
    );
    // Nor X-Ray's trace segment destination.
    assert!(state.span_destination.is_err());
    assert!(
        shown.contains(
            "X-Ray Transaction Search: not read (xray:GetTraceSegmentDestination answered"
        ),
        "{shown}"
    );
}

// ANCHOR: transaction_search
/// The preflight asks X-Ray, in one signed request, whether Transaction Search is on, and the
/// plan says what its answer means for the blog's spans.
#[tokio::test]
async fn the_plan_says_whether_xray_takes_the_blogs_spans() {
    for (answer, expected) in [
        (
            r#"{"Destination":"XRay","Status":"ACTIVE"}"#,
            "X-Ray Transaction Search: off: X-Ray's OTLP endpoint refuses the blog's spans",
        ),
        (
            r#"{"Destination":"CloudWatchLogs","Status":"PENDING"}"#,
            "X-Ray Transaction Search: on (PENDING): X-Ray takes the blog's spans",
        ),
    ] {
        let (url, mut heads) = stand_in("200 OK", "application/json", answer).await;
        let aws = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(url.trim_end_matches('/'))
            .region(aws_config::Region::new("eu-west-1"))
            .credentials_provider(aws_credential_types::Credentials::for_tests())
            .load()
            .await;
        let destination = preflight::span_destination(&aws).await.expect("the answer");
        let head = heads.recv().await.expect("one request");
        assert!(
            head.starts_with("POST /GetTraceSegmentDestination HTTP/1.1"),
            "{head}"
        );
        assert!(head.contains("/eu-west-1/xray/aws4_request"), "{head}");
        let state = AccountState {
            span_destination: Ok(destination),
            ..account_state(None)
        };
        let shown = preflight::describe(&state, 100);
        assert!(shown.contains(expected), "{shown}");
    }
}
// ANCHOR_END: transaction_search

#[test]
fn a_concurrency_below_the_stage_burst_is_called_out() {
    let usual = LambdaConcurrency {
        limit: 1000,
        unreserved: 1000,
    };
    assert_eq!(
        concurrency_note(usual, 100),
        "1000 at once (1000 unreserved)"
    );
    let new_account = LambdaConcurrency {
        limit: 10,
        unreserved: 10,
    };
    let note = concurrency_note(new_account, 100);
    assert!(
        note.starts_with("10 at once (10 unreserved): below the stage's burst of 100"),
        "{note}"
    );
    assert!(note.contains("API Gateway answers 500"), "{note}");
}
