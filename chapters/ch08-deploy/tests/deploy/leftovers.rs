//! What `cargo xtask destroy` says stays in the account, as the book shows it.

use ch08_deploy::leftovers::{after_destroy, render};
use ch08_deploy::record::DeploymentRecord;

fn deployed(table_retained: bool, logs_role_set_by_stack: bool) -> DeploymentRecord {
    DeploymentRecord {
        stack: "ServerlessBlog".into(),
        account: "111122223333".into(),
        region: "eu-west-1".into(),
        table_retained,
        logs_role_set_by_stack,
    }
}

#[test]
fn what_destroy_leaves_when_the_table_was_retained() {
    let left = after_destroy(&deployed(true, true));
    assert_eq!(left.len(), 7);
    assert_eq!(
        after_destroy(&deployed(false, true)).len(),
        6,
        "a destroyed table leaves nothing"
    );
    assert_eq!(
        after_destroy(&deployed(false, false)).len(),
        5,
        "an account's own logs role is not the stack's to list"
    );
    let shown = format!("ANCHOR: leftovers\n{}ANCHOR_END: leftovers", render(&left));
    insta::assert_snapshot!(shown);
}
