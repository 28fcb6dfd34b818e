//! Unit tests of the error classification, on the bodies Google is known to send.

use super::*;

fn kind_of(code: u16, body: &str) -> ErrorKind {
    Error::from_response(code, body.as_bytes()).kind()
}

#[test]
fn expired_sync_token_is_classified_by_reason_whatever_the_status() {
    for status in ["FAILED_PRECONDITION", "INVALID_ARGUMENT"] {
        let body = format!(
            r#"{{"error": {{"code": 400,
              "message": "Sync token is expired. Clear local cache and retry call without the sync token.",
              "status": "{status}",
              "details": [{{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                           "reason": "EXPIRED_SYNC_TOKEN", "domain": "people.googleapis.com"}}]}}}}"#
        );
        let e = Error::from_response(400, body.as_bytes());
        assert_eq!(e.kind(), ErrorKind::ExpiredSyncToken, "{status}");
        assert_eq!(e.reason(), Some("EXPIRED_SYNC_TOKEN"));
        assert_eq!(e.http_status(), Some(400));
        assert!(e.message().starts_with("Sync token is expired"));
    }
}

#[test]
fn stale_etag_is_an_etag_mismatch_but_other_preconditions_are_not() {
    let stale = r#"{"error": {"code": 400,
      "message": "Request person.etag is different than the current person.etag. Clear local cache and get the latest person.",
      "status": "FAILED_PRECONDITION"}}"#;
    assert_eq!(kind_of(400, stale), ErrorKind::EtagMismatch);
    let consumer = r#"{"error": {"code": 400, "message": "Must be a G Suite domain user.",
      "status": "FAILED_PRECONDITION"}}"#;
    assert_eq!(kind_of(400, consumer), ErrorKind::InvalidRequest);
}

#[test]
fn invalid_argument_keeps_googles_message() {
    let body = r#"{"error": {"code": 400,
      "message": "Invalid personFields mask path: \"etag\".", "status": "INVALID_ARGUMENT"}}"#;
    let e = Error::from_response(400, body.as_bytes());
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(e.message(), "Invalid personFields mask path: \"etag\".");
    assert!(
        e.to_string()
            .contains("invalid request (400 INVALID_ARGUMENT)")
    );
}

#[test]
fn quota_errors_are_rate_limited_by_reason_status_or_code() {
    let with_reason = r#"{"error": {"code": 429, "message": "Quota exceeded for quota metric 'Critical read requests'",
      "status": "RESOURCE_EXHAUSTED",
      "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
                   "domain": "googleapis.com", "metadata": {"quota_limit": "CriticalReadsPerMinutePerProjectPerUser"}},
                  {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.5s"}]}}"#;
    let e = Error::from_response(429, with_reason.as_bytes());
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.retry_after(), Some(Duration::from_millis(1500)));
    let quota_failure = r#"{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).",
      "status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure",
      "violations":[{"subject":"QUOTA_EXCEEDED"}]}]}}"#;
    assert_eq!(kind_of(429, quota_failure), ErrorKind::RateLimited);
    // A 403 carrying the rate-limit reason (older Google APIs do this) is still a rate limit.
    let forbidden = r#"{"error": {"code": 403, "message": "Rate Limit Exceeded", "status": "PERMISSION_DENIED",
      "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED"}]}}"#;
    assert_eq!(kind_of(403, forbidden), ErrorKind::RateLimited);
    assert_eq!(kind_of(429, "Too Many Requests"), ErrorKind::RateLimited);
}

#[test]
fn status_names_map_to_kinds() {
    let cases = [
        (404, "NOT_FOUND", ErrorKind::NotFound),
        (409, "ALREADY_EXISTS", ErrorKind::Conflict),
        (409, "ABORTED", ErrorKind::Conflict),
        (401, "UNAUTHENTICATED", ErrorKind::Unauthorized),
        (403, "PERMISSION_DENIED", ErrorKind::Unauthorized),
        (500, "INTERNAL", ErrorKind::Transient),
        (503, "UNAVAILABLE", ErrorKind::Transient),
        (504, "DEADLINE_EXCEEDED", ErrorKind::Transient),
    ];
    for (code, status, kind) in cases {
        let body =
            format!(r#"{{"error": {{"code": {code}, "message": "m", "status": "{status}"}}}}"#);
        assert_eq!(kind_of(code, &body), kind, "{status}");
    }
}

#[test]
fn bodies_that_are_not_json_fall_back_to_the_http_code() {
    assert_eq!(
        kind_of(502, "<html>bad gateway</html>"),
        ErrorKind::Transient
    );
    assert_eq!(kind_of(409, ""), ErrorKind::Conflict);
    assert_eq!(kind_of(404, ""), ErrorKind::NotFound);
    assert_eq!(kind_of(401, ""), ErrorKind::Unauthorized);
    let e = Error::from_response(418, b"");
    assert_eq!(e.kind(), ErrorKind::Other);
    assert_eq!(e.message(), "http status 418");
}

#[test]
fn per_item_statuses_use_rpc_codes() {
    let stale: Status = serde_json::from_str(
        r#"{"code": 9, "message": "Request person.etag is different than the current person.etag."}"#,
    )
    .unwrap();
    let e = Error::from_status(&stale, None);
    assert_eq!(e.kind(), ErrorKind::EtagMismatch);
    assert_eq!(e.status(), Some("FAILED_PRECONDITION"));
    let missing: Status = serde_json::from_str(r#"{"code": 5, "message": "not found"}"#).unwrap();
    assert_eq!(
        Error::from_status(&missing, None).kind(),
        ErrorKind::NotFound
    );
    assert!(status_is_ok(None));
    assert!(status_is_ok(Some(&Status::default())));
    assert!(!status_is_ok(Some(&missing)));
}

#[test]
fn unauthorized_errors_tell_the_user_to_log_in() {
    let e = Error::new(ErrorKind::Unauthorized, "token revoked").with_method("people.get");
    assert_eq!(
        e.to_string(),
        "people.get: unauthorized: token revoked (log in to google again)"
    );
    assert!(ErrorKind::Transient.is_retryable());
    assert!(!ErrorKind::OutcomeUnknown.is_retryable());
}
