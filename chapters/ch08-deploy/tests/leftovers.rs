//! What `cargo xtask destroy` says stays in the account, as the book shows it.

use ch08_deploy::leftovers::{after_destroy, render};

#[test]
fn what_destroy_leaves_when_the_table_was_retained() {
    let left = after_destroy(true);
    assert_eq!(left.len(), 4);
    assert_eq!(
        after_destroy(false).len(),
        3,
        "a destroyed table leaves nothing"
    );
    let shown = format!("ANCHOR: leftovers\n{}ANCHOR_END: leftovers", render(&left));
    insta::assert_snapshot!(shown);
}
