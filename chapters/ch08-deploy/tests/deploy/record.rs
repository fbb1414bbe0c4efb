//! The record of a deploy, and where `destroy` may delete the stack.

use ch08_deploy::record::{DeploymentRecord, region_to_destroy};

fn deployed_to_eu_west_1() -> DeploymentRecord {
    DeploymentRecord {
        stack: "ServerlessBlog".into(),
        account: "111122223333".into(),
        region: "eu-west-1".into(),
        table_retained: false,
        logs_role_set_by_stack: true,
    }
}

#[test]
fn a_record_reads_back_as_written_and_no_record_is_none() {
    let dir = std::env::temp_dir().join(format!("deploy-record-{}", std::process::id()));
    let path = dir.join("deployment.json");
    let _ = std::fs::remove_file(&path);
    assert_eq!(DeploymentRecord::read(&path).unwrap(), None);
    deployed_to_eu_west_1().write(&path).unwrap();
    assert_eq!(
        DeploymentRecord::read(&path).unwrap(),
        Some(deployed_to_eu_west_1())
    );
    std::fs::write(&path, "{}").unwrap();
    let err = format!("{:#}", DeploymentRecord::read(&path).unwrap_err());
    assert!(
        err.contains("is not a deploy's record: no \"stack\""),
        "{err}"
    );
}

#[test]
fn destroy_works_in_the_recorded_region() {
    let record = deployed_to_eu_west_1();
    assert_eq!(
        region_to_destroy(&record, Some("eu-west-1"), Some("111122223333"), None).unwrap(),
        "eu-west-1"
    );
    // Told the recorded region, it goes there whatever the environment says.
    assert_eq!(
        region_to_destroy(&record, Some("us-east-1"), None, Some("eu-west-1")).unwrap(),
        "eu-west-1"
    );
}

#[test]
fn destroy_refuses_another_region_unless_told_and_another_account_always() {
    let record = deployed_to_eu_west_1();
    let err = region_to_destroy(&record, Some("us-east-1"), None, None)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "the stack ServerlessBlog was deployed to eu-west-1, but your environment's region is us-east-1: \
         to delete it there, run `cargo xtask destroy -- --region eu-west-1`"
    );
    let err = region_to_destroy(&record, None, None, Some("us-east-1"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("run `cargo xtask destroy -- --region eu-west-1`"),
        "{err}"
    );
    let err = region_to_destroy(&record, Some("eu-west-1"), Some("444455556666"), None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(
            "deployed to account 111122223333, but your credentials are for account 444455556666"
        ),
        "{err}"
    );
}
