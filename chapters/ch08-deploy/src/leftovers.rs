//! What `cdk destroy` leaves behind, what it costs, and how to remove it.

use ch06_infrastructure::prices::{
    DYNAMODB_STORAGE_GB_MONTH, ECR_GB_MONTH, Price, S3_STANDARD_GB_MONTH,
};

use crate::preflight::SERVICE_LINKED_ROLES;
use crate::record::DeploymentRecord;

/// One thing still in the account after the stack is gone.
#[derive(Debug, Clone, PartialEq)]
pub struct Leftover {
    pub what: String,
    /// What it costs kept; `None`: nothing.
    pub costs: Option<&'static Price>,
    pub remove: String,
}

// ANCHOR: leftovers
/// What stays: the table only when the stack was deployed with `tableRemoval=retain` (the log
/// groups go with the stack: they are created with a `DESTROY` policy); API Gateway's CloudWatch
/// role when the stack set it, and the service-linked roles, which belong to the account; and the
/// CDK's own bootstrap resources, which every CDK app in the account and region shares.
pub fn after_destroy(deployed: &DeploymentRecord) -> Vec<Leftover> {
    let mut left = Vec::new();
    let table_retained = deployed.table_retained;
    if table_retained {
        left.push(Leftover {
            what: "the posts table (deployed with tableRemoval=retain)".into(),
            costs: Some(&DYNAMODB_STORAGE_GB_MONTH),
            remove: "aws dynamodb delete-table --table-name <the table's name, from the console or `aws dynamodb list-tables`>".into(),
        });
    }
    if deployed.logs_role_set_by_stack {
        left.push(Leftover {
            what: format!(
                "API Gateway's CloudWatch role for {} (ServerlessBlog-FunctionsApiCloudWatchRole…), which the \
                 region's account setting names: every API there that logs uses it",
                deployed.region
            ),
            costs: None,
            remove: "keep it; without a role no API of the region can write logs. To remove it anyway: \
                     aws iam detach-role-policy, then aws iam delete-role"
                .into(),
        });
    }
    for role in SERVICE_LINKED_ROLES {
        left.push(Leftover {
            what: format!("the service-linked role {}, which {} uses", role.name, role.used_by),
            costs: None,
            remove: format!(
                "keep it; once no ECS service is left in any region: aws iam delete-service-linked-role --role-name {}",
                role.name
            ),
        });
    }
    let (account, region) = (&deployed.account, &deployed.region);
    let bucket = format!("cdk-hnb659fds-assets-{account}-{region}");
    let repository = format!("cdk-hnb659fds-container-assets-{account}-{region}");
    left.push(Leftover {
        what: format!("the CDK's asset bucket ({bucket}), holding the function zips"),
        costs: Some(&S3_STANDARD_GB_MONTH),
        remove: format!("aws s3 rm s3://{bucket} --recursive"),
    });
    left.push(Leftover {
        what: format!("the CDK's image repository ({repository}), holding the server's image"),
        costs: Some(&ECR_GB_MONTH),
        remove: format!(
            "aws ecr batch-delete-image --repository-name {repository} --image-ids \
             \"$(aws ecr list-images --repository-name {repository} --query imageIds --output json)\""
        ),
    });
    left.push(Leftover {
        what: "the bootstrap stack itself (CDKToolkit): keep it if another CDK app uses this account and region".into(),
        costs: Some(&S3_STANDARD_GB_MONTH),
        remove: "after emptying the bucket and the repository: aws cloudformation delete-stack --stack-name CDKToolkit \
                 (the bucket is retained: delete it with aws s3 rb)"
            .into(),
    });
    left
}
// ANCHOR_END: leftovers

/// The list `destroy` prints.
pub fn render(leftovers: &[Leftover]) -> String {
    leftovers
        .iter()
        .map(|leftover| {
            let costs = match leftover.costs {
                Some(price) => format!("${} per {}", price.dollars, price.per),
                None => "free".to_owned(),
            };
            format!(
                "  - {}: {costs}\n    remove: {}\n",
                leftover.what, leftover.remove
            )
        })
        .collect()
}
