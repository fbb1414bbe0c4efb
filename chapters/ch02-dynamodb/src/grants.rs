//! What each store operation asks of DynamoDB, as an IAM grant: the one action it calls, on the
//! one resource it calls it on. Chapter 6's stack grants each function and the task exactly
//! these, and a test there records the calls the code really makes and compares.

use ch01_blog_core::StoreOperation;

use crate::table::FEED_INDEX;

// ANCHOR: grants
/// One IAM permission: an action on the table or on one of its indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grant {
    pub action: &'static str,
    pub on: GrantTarget,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GrantTarget {
    /// The table's own ARN.
    Table,
    /// An index's ARN: `<table ARN>/index/<name>`.
    Index(&'static str),
}

/// The permission `DynamoStore` needs for one operation of the `PostStore` trait.
pub fn grant_for(operation: StoreOperation) -> Grant {
    let (action, on) = match operation {
        StoreOperation::Create => ("dynamodb:PutItem", GrantTarget::Table),
        StoreOperation::Get => ("dynamodb:GetItem", GrantTarget::Table),
        StoreOperation::List => ("dynamodb:Query", GrantTarget::Index(FEED_INDEX)),
        StoreOperation::Delete => ("dynamodb:DeleteItem", GrantTarget::Table),
    };
    Grant { action, on }
}
// ANCHOR_END: grants
