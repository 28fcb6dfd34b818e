//! The error envelope Google answers with: `{"error": google.rpc.Status}` and its `ErrorInfo` details.

use serde::{Deserialize, Serialize};

use crate::Status;

/// The `@type` of an ErrorInfo entry in `Status.details`.
pub const ERROR_INFO_TYPE: &str = "type.googleapis.com/google.rpc.ErrorInfo";

/// An HTTP error body: `{"error": {...}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: Status,
}

/// `google.rpc.ErrorInfo`: why a call failed, in a machine-readable form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    pub reason: String,
    #[serde(default)]
    pub domain: String,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub metadata: std::collections::BTreeMap<String, String>,
}

/// The ErrorInfo reasons peopledav acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorReason {
    ExpiredSyncToken,
    RateLimitExceeded,
}

impl ErrorReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorReason::ExpiredSyncToken => "EXPIRED_SYNC_TOKEN",
            ErrorReason::RateLimitExceeded => "RATE_LIMIT_EXCEEDED",
        }
    }
}

impl Status {
    /// The ErrorInfo entries among `details`; entries of other types are skipped.
    pub fn error_infos(&self) -> impl Iterator<Item = ErrorInfo> + '_ {
        self.details.iter().filter_map(|d| {
            (d.get("@type")?.as_str()? == ERROR_INFO_TYPE)
                .then(|| serde_json::from_value(d.clone()).ok())
                .flatten()
        })
    }

    /// Whether any ErrorInfo detail carries `reason`.
    pub fn has_reason(&self, reason: ErrorReason) -> bool {
        self.error_infos().any(|i| i.reason == reason.as_str())
    }
}

impl ErrorBody {
    /// A body in Google's shape; `info` becomes one ErrorInfo detail.
    pub fn new(
        code: u16,
        status: &str,
        message: impl Into<String>,
        info: Option<ErrorInfo>,
    ) -> Self {
        let details = info
            .map(|i| {
                let mut v = serde_json::to_value(i).expect("ErrorInfo serializes");
                v.as_object_mut()
                    .expect("ErrorInfo is an object")
                    .insert("@type".into(), ERROR_INFO_TYPE.into());
                vec![v]
            })
            .unwrap_or_default();
        ErrorBody {
            error: Status {
                code: Some(code.into()),
                message: Some(message.into()),
                status: Some(status.into()),
                details,
                ..Status::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_sync_token_is_found_by_reason() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"error": {"code": 400,
  "message": "Sync token is expired. Clear local cache and retry call without the sync token.",
  "status": "FAILED_PRECONDITION",
  "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
               "reason": "EXPIRED_SYNC_TOKEN", "domain": "people.googleapis.com"}]}}"#,
        )
        .unwrap();
        assert!(body.error.has_reason(ErrorReason::ExpiredSyncToken));
        assert!(!body.error.has_reason(ErrorReason::RateLimitExceeded));
        assert_eq!(body.error.status.as_deref(), Some("FAILED_PRECONDITION"));
    }

    #[test]
    fn new_body_round_trips() {
        let info = ErrorInfo {
            reason: "RATE_LIMIT_EXCEEDED".into(),
            domain: "googleapis.com".into(),
            metadata: Default::default(),
        };
        let body = ErrorBody::new(429, "RESOURCE_EXHAUSTED", "quota", Some(info.clone()));
        let back: ErrorBody = serde_json::from_value(serde_json::to_value(&body).unwrap()).unwrap();
        assert_eq!(back.error.error_infos().collect::<Vec<_>>(), vec![info]);
    }
}
