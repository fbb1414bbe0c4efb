//! The credential forms chapter 8 recommends, read by the deploy's probe from a profile file of
//! the test's own: a `credential_process` profile (a command that prints the credentials, here a
//! shell `printf`), and a single sign-on profile with no session signed in. Nothing reaches AWS.

use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use ch08_deploy::prerequisites::{Credentials, Profiles};

const CONFIG: &str = r#"
[profile process]
region = eu-west-1
credential_process = printf '{"Version": 1, "AccessKeyId": "AKIDEXAMPLE", "SecretAccessKey": "example", "AccountId": "111122223333"}'

[profile sso-dev]
sso_session = blog-tests-never-signed-in
sso_account_id = 111122223333
sso_role_name = Deployer
region = eu-west-1

[sso-session blog-tests-never-signed-in]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
"#;

/// What the deploy's probe finds with `config` as the profile file and `profile` selected.
async fn probe(config: &str, profile: &str) -> Credentials {
    let dir = std::env::temp_dir().join(format!(
        "deploy-credentials-{}-{profile}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("config");
    std::fs::write(&file, config).unwrap();
    let profiles = Profiles {
        files: Some(
            EnvConfigFiles::builder()
                .with_file(EnvConfigFileKind::Config, &file)
                .build(),
        ),
        name: Some(profile.to_owned()),
    };
    profiles.credentials().await.0
}

#[tokio::test]
async fn a_credential_process_profile_gives_credentials_and_its_account() {
    assert_eq!(
        probe(CONFIG, "process").await,
        Credentials::Found {
            account: Some("111122223333".into())
        }
    );
}

#[tokio::test]
async fn a_single_sign_on_profile_with_no_session_names_itself_and_the_sign_in_command() {
    let Credentials::Unusable(why) = probe(CONFIG, "sso-dev").await else {
        panic!("an SSO profile with no session signed in gives no credentials");
    };
    assert!(
        why.contains("the profile sso-dev gave no credentials"),
        "{why}"
    );
    assert!(why.contains("aws sso login --profile sso-dev"), "{why}");
    // The build can read SSO profiles: the failure is the missing session, not a missing feature.
    assert!(!why.to_lowercase().contains("feature"), "{why}");
}
