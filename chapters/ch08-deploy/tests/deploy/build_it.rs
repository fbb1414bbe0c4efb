//! Build it, chapter 8: the exercise's test. It is compiled only with the crate's `build-it`
//! feature (`cargo test -p ch08-deploy --features build-it --test deploy build_it`), and fails
//! until the reader's change is made.

use ch08_deploy::prerequisites::{Credentials, Environment, missing};

/// A machine with everything but a recent Node.js.
fn with_node(version: &str) -> Environment {
    Environment {
        credentials: Credentials::Found { account: None },
        region: Some("eu-west-1".into()),
        node: Some(version.into()),
        container_builder: Some("docker".into()),
        container_image: None,
    }
}

/// A Node.js older than 20 is missing, as much as no Node.js at all: the one message says which
/// version was found and which is wanted. 20 and newer are enough, and so is a version string
/// the check cannot read (the CDK CLI will say what it thinks of it).
#[test]
fn a_node_js_older_than_20_is_missing_and_the_message_names_both_versions() {
    for old in ["v16.20.2", "v18.19.1", "v19.9.0"] {
        let missing = missing(&with_node(old));
        assert_eq!(
            missing.len(),
            1,
            "Node.js {old} is not reported: missing() returned {missing:?}"
        );
        assert!(missing[0].what.contains("Node.js"), "{old}: {missing:?}");
        assert!(
            missing[0].how.contains(old) && missing[0].how.contains("20"),
            "Node.js {old}: the message names the version found and the one wanted: {}",
            missing[0].how
        );
    }
    for enough in ["v20.0.0", "v20.20.2", "v22.12.0", "v24.1.0", "v25"] {
        assert_eq!(missing(&with_node(enough)), [], "Node.js {enough}");
    }
    assert_eq!(missing(&with_node("a build of our own")), []);
}
