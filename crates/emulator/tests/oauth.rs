//! The OAuth endpoints: the consent page, one-time codes, redirect_uri checks, refresh tokens, and
//! an access token the API accepts.

mod common;

use common::default_rig;
use serde_json::Value;

const REDIRECT: &str = "http://127.0.0.1:9/oauth/callback";

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn token(r: &common::Rig, form: &[(&str, &str)]) -> (u16, Value) {
    let resp = r.http.post(r.url("token")).form(form).send().await.unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test]
async fn the_code_flow_issues_tokens_the_api_accepts() {
    let r = default_rig().await;
    let http = no_redirects();
    let consent = r.url(&format!(
        "o/oauth2/auth?client_id=c1&redirect_uri={}&response_type=code&scope=https://www.googleapis.com/auth/contacts&state=s1",
        url::form_urlencoded::byte_serialize(REDIRECT.as_bytes()).collect::<String>()
    ));
    let page = http
        .get(&consent)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("not Google"), "the page says what it is");
    assert!(page.contains("Allow as demo@example.com"), "{page}");

    let allowed = http
        .get(format!("{consent}&account=0"))
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 302);
    let back = url::Url::parse(allowed.headers()["location"].to_str().unwrap()).unwrap();
    assert!(back.as_str().starts_with(REDIRECT));
    let q: std::collections::HashMap<_, _> = back.query_pairs().into_owned().collect();
    assert_eq!(q["state"], "s1");
    let code = q["code"].clone();

    let wrong_uri = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", "c1"),
        ("redirect_uri", "http://elsewhere/"),
    ];
    let (status, body) = token(&r, &wrong_uri).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("redirect_uri_mismatch"))
    );

    // A refused exchange used the code up, as Google does.
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", "c1"),
        ("redirect_uri", REDIRECT),
    ];
    let (status, body) = token(&r, &exchange).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    // A fresh code exchanges once.
    let allowed = http
        .get(format!("{consent}&account=0"))
        .send()
        .await
        .unwrap();
    let back = url::Url::parse(allowed.headers()["location"].to_str().unwrap()).unwrap();
    let code = back
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", "c1"),
        ("redirect_uri", REDIRECT),
    ];
    let (status, granted) = token(&r, &exchange).await;
    assert_eq!(status, 200, "{granted}");
    assert_eq!(granted["token_type"], "Bearer");
    assert!(granted["expires_in"].as_i64().unwrap() > 0);
    let refresh = granted["refresh_token"].as_str().unwrap().to_owned();
    let (status, _) = token(&r, &exchange).await;
    assert_eq!(status, 400, "a code works once");

    let access = granted["access_token"].as_str().unwrap();
    let (status, _) = r
        .send_as(
            access,
            "GET",
            "v1/people/me/connections?personFields=names",
            None,
        )
        .await;
    assert_eq!(status, 200, "the API accepts the issued token");

    let (status, refreshed) = token(
        &r,
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(refreshed["access_token"], granted["access_token"]);
    assert!(refreshed.get("refresh_token").is_none());

    let (status, body) = token(
        &r,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", "made-up"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, body) = token(&r, &[("grant_type", "password")]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
}

#[tokio::test]
async fn a_consent_request_without_its_parameters_is_400() {
    let r = default_rig().await;
    let resp = r
        .http
        .get(r.url("o/oauth2/auth?client_id=c1"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("redirect_uri"));
    let resp = r
        .http
        .get(r.url("o/oauth2/auth?client_id=c1&redirect_uri=http://x/&response_type=token"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}
