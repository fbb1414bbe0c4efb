//! Who may call the deployed blog: by default your address alone, looked up the way the deploy
//! looks it up (here from a stand-in on loopback that answers as checkip.amazonaws.com does).

use ch08_deploy::public_address::{Access, decide, my_address};

use crate::support::address_service;

#[tokio::test]
async fn your_address_is_read_from_the_answer_and_becomes_a_32_range() {
    let url = address_service("200 OK", "203.0.113.7\n").await;
    assert_eq!(my_address(&url).await.unwrap(), "203.0.113.7/32");
    let access = decide(None, false, &url).await.unwrap();
    assert_eq!(access.allowed_cidr(), Some("203.0.113.7/32"));
    assert_eq!(
        access,
        Access::Only {
            cidr: "203.0.113.7/32".into(),
            why: format!("your public address, as {url} sees it"),
        }
    );
}

#[tokio::test]
async fn an_answer_that_is_not_an_address_is_an_error_that_says_what_to_pass_instead() {
    for (status, body) in [
        ("200 OK", "<html>captive portal</html>"),
        ("503 Service Unavailable", ""),
    ] {
        let url = address_service(status, body).await;
        let err = format!("{:#}", decide(None, false, &url).await.unwrap_err());
        assert!(
            err.contains("pass --allowed-cidr <your address>/32, or --public"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn a_range_or_public_needs_no_look_up_and_both_at_once_is_an_error() {
    // Nothing listens at this URL: neither choice may look anything up.
    let nowhere = "http://127.0.0.1:9/";
    assert_eq!(
        decide(Some("198.51.100.0/24".into()), false, nowhere)
            .await
            .unwrap()
            .allowed_cidr(),
        Some("198.51.100.0/24")
    );
    assert_eq!(decide(None, true, nowhere).await.unwrap(), Access::Anyone);
    let err = decide(Some("198.51.100.0/24".into()), true, nowhere)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("contradict"), "{err}");
}
