//! What a deploy asks for when a piece is missing: one message each, with what to do.

use ch08_deploy::prerequisites::{Credentials, Environment, missing};

#[test]
fn an_empty_machine_lacks_four_things_and_says_how_to_get_each() {
    let messages: Vec<String> = missing(&Environment::default())
        .into_iter()
        .map(|need| format!("{}: {}", need.what, need.how))
        .collect();
    insta::assert_snapshot!(messages.join("\n"));
}

#[test]
fn an_image_in_a_registry_replaces_the_container_builder() {
    let ready = Environment {
        credentials: Credentials::Found { account: None },
        region: Some("eu-west-1".into()),
        node: Some("v20.20.2".into()),
        container_builder: None,
        container_image: Some("111122223333.dkr.ecr.eu-west-1.amazonaws.com/blog-server:1".into()),
    };
    assert_eq!(missing(&ready), []);
    let no_builder = Environment {
        container_image: None,
        ..ready
    };
    let missing = missing(&no_builder);
    assert_eq!(missing.len(), 1);
    assert_eq!(
        missing[0].what,
        "a container builder for the server's image"
    );
}

#[test]
fn credentials_that_cannot_be_used_say_why_instead_of_how_to_sign_in() {
    let environment = Environment {
        credentials: Credentials::Unusable("the profile dev gave no credentials (...)".into()),
        ..Environment::default()
    };
    let missing = missing(&environment);
    assert_eq!(missing[0].what, "AWS credentials");
    assert_eq!(missing[0].how, "the profile dev gave no credentials (...)");
}
