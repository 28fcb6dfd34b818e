//! Authentication, error bodies, quotas and fault injection, and the stats hook.

mod common;

use common::{default_rig, error_parts, rig};
use emulator::{EmulatorConfig, FaultSpec, Quotas};
use serde_json::json;

#[tokio::test]
async fn a_bad_or_missing_token_is_401_in_googles_format() {
    let r = default_rig().await;
    let (status, body) = r
        .send_as(
            "wrong",
            "GET",
            "v1/people/me/connections?personFields=names",
            None,
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(error_parts(401, &body).0, "UNAUTHENTICATED");
    let resp = r
        .http
        .get(r.url("v1/people/me/connections?personFields=names"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(error_parts(401, &body).0, "UNAUTHENTICATED");
    // access_token= works like the header.
    let resp = r
        .http
        .get(r.url("v1/people/me/connections?personFields=names&access_token=emulator"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn an_empty_quota_bucket_answers_429_rate_limit_exceeded() {
    let quotas = Quotas {
        reads_per_minute: 3,
        ..Quotas::default()
    };
    let r = rig(EmulatorConfig {
        quotas,
        ..EmulatorConfig::default()
    })
    .await;
    for _ in 0..3 {
        r.get_ok("v1/people/me/connections?personFields=names")
            .await;
    }
    let (status, body) = r.get("v1/people/me/connections?personFields=names").await;
    assert_eq!(status, 429);
    assert_eq!(
        error_parts(429, &body),
        (
            "RESOURCE_EXHAUSTED".into(),
            Some("RATE_LIMIT_EXCEEDED".into())
        )
    );
    let detail = &body["error"]["details"][0];
    assert_eq!(detail["domain"], "googleapis.com");
    assert_eq!(detail["metadata"]["service"], "people.googleapis.com");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Quota exceeded for quota metric 'Read requests'")
    );
    // Other buckets are untouched; the next minute refills the bucket.
    r.get_ok("v1/contactGroups").await;
    r.emulator().advance(std::time::Duration::from_secs(60));
    r.get_ok("v1/people/me/connections?personFields=names")
        .await;
}

#[tokio::test]
async fn default_quotas_are_the_documented_observations() {
    let q = Quotas::default();
    assert_eq!(
        (
            q.reads_per_minute,
            q.critical_reads_per_minute,
            q.critical_writes_per_minute,
            q.writes_per_minute,
            q.daily_contact_writes
        ),
        (180, 60, 30, 30, 100_000)
    );
}

#[tokio::test]
async fn faults_answer_500_503_and_429_without_doing_anything() {
    let r = default_rig().await;
    for (spec, code, status) in [
        ("500=1", 500, "INTERNAL"),
        ("503=1", 503, "UNAVAILABLE"),
        ("429=1", 429, "RESOURCE_EXHAUSTED"),
    ] {
        r.emulator().set_faults(FaultSpec::parse(spec).unwrap());
        let (got, body) = r
            .send(
                "POST",
                "v1/people:createContact",
                Some(&json!({"names": [{"givenName": "Never"}]})),
            )
            .await;
        assert_eq!(got, code, "{spec}");
        assert_eq!(error_parts(code, &body).0, status);
    }
    r.emulator().set_faults(FaultSpec::none());
    assert!(
        r.emulator().persons("emulator").is_empty(),
        "failed requests wrote nothing"
    );
}

#[tokio::test]
async fn drop_after_commit_applies_the_write_and_closes_the_connection() {
    let r = default_rig().await;
    r.emulator().set_faults(FaultSpec::parse("drop=1").unwrap());
    let resp = r
        .http
        .post(r.url("v1/people:createContact"))
        .bearer_auth("emulator")
        .json(&json!({"names": [{"givenName": "Committed"}]}))
        .send()
        .await;
    assert!(resp.is_err(), "no response arrives: {resp:?}");
    // Reads are never dropped.
    r.get_ok("v1/people/me/connections?personFields=names")
        .await;
    r.emulator().set_faults(FaultSpec::none());
    let persons = r.emulator().persons("emulator");
    assert_eq!(persons.len(), 1, "the write happened");
}

#[tokio::test]
async fn stats_count_requests_per_method_and_account() {
    let r = default_rig().await;
    r.get_ok("v1/people/me/connections?personFields=names")
        .await;
    r.get_ok("v1/people/me/connections?personFields=names")
        .await;
    r.create("Counted").await;
    let resp = r.http.get(r.url("emulator/stats")).send().await.unwrap();
    let stats: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(stats["by_method"]["people.connections.list"], 2);
    assert_eq!(
        stats["by_account"]["demo@example.com"]["people.createContact"],
        1
    );
    r.emulator().reset_stats();
    assert!(r.emulator().stats().by_method.is_empty());
}

#[tokio::test]
async fn unknown_paths_are_404_in_googles_format() {
    let r = default_rig().await;
    let (status, body) = r.get("v1/people:nonsense").await;
    assert_eq!(
        (status, error_parts(404, &body).0.as_str()),
        (404, "NOT_FOUND")
    );
}
