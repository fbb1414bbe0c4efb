//! What `cdk destroy` leaves behind, what it costs, and how to remove it.

use ch06_infrastructure::prices::{
    DYNAMODB_STORAGE_GB_MONTH, ECR_GB_MONTH, Price, S3_STANDARD_GB_MONTH,
};

/// One thing still in the account after the stack is gone.
#[derive(Debug, Clone, PartialEq)]
pub struct Leftover {
    pub what: &'static str,
    pub costs: &'static Price,
    pub remove: &'static str,
}

// ANCHOR: leftovers
/// What stays: the table only when the stack was deployed with `tableRemoval=retain` (the log
/// groups go with the stack: they are created with a `DESTROY` policy), and the CDK's own
/// bootstrap resources, which every CDK app in the account and region shares.
pub fn after_destroy(table_retained: bool) -> Vec<Leftover> {
    let mut left = Vec::new();
    if table_retained {
        left.push(Leftover {
            what: "the posts table (deployed with tableRemoval=retain)",
            costs: &DYNAMODB_STORAGE_GB_MONTH,
            remove: "aws dynamodb delete-table --table-name <the table's name, from the console or `aws dynamodb list-tables`>",
        });
    }
    left.push(Leftover {
        what: "the CDK's asset bucket (cdk-hnb659fds-assets-<account>-<region>), holding the function zips",
        costs: &S3_STANDARD_GB_MONTH,
        remove: "aws s3 rm s3://cdk-hnb659fds-assets-<account>-<region> --recursive",
    });
    left.push(Leftover {
        what: "the CDK's image repository (cdk-hnb659fds-container-assets-<account>-<region>), holding the server's image",
        costs: &ECR_GB_MONTH,
        remove: "aws ecr batch-delete-image --repository-name cdk-hnb659fds-container-assets-<account>-<region> --image-ids \"$(aws ecr list-images --repository-name cdk-hnb659fds-container-assets-<account>-<region> --query imageIds --output json)\"",
    });
    left.push(Leftover {
        what: "the bootstrap stack itself (CDKToolkit): keep it if another CDK app uses this account and region",
        costs: &S3_STANDARD_GB_MONTH,
        remove: "after emptying the bucket and the repository: aws cloudformation delete-stack --stack-name CDKToolkit (the bucket is retained: delete it with aws s3 rb)",
    });
    left
}
// ANCHOR_END: leftovers

/// The list `destroy` prints.
pub fn render(leftovers: &[Leftover]) -> String {
    leftovers
        .iter()
        .map(|leftover| {
            format!(
                "  - {}: ${} per {}\n    remove: {}\n",
                leftover.what, leftover.costs.dollars, leftover.costs.per, leftover.remove
            )
        })
        .collect()
}
