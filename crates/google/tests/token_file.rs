//! The OAuth token cache on disk is readable by its owner only.

use google::FileTokenStorage;
use yup_oauth2::storage::{TokenInfo, TokenStorage};

#[cfg(unix)]
#[tokio::test]
async fn the_token_file_is_written_0600_and_read_back() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    let store = FileTokenStorage::open(&path).await.unwrap();
    let token = TokenInfo {
        access_token: Some("access".into()),
        refresh_token: Some("refresh".into()),
        expires_at: None,
        id_token: None,
    };
    store
        .set(&["https://www.googleapis.com/auth/contacts"], token)
        .await
        .unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "mode {mode:o}");
    let reopened = FileTokenStorage::open(&path).await.unwrap();
    let got = reopened
        .get(&["https://www.googleapis.com/auth/contacts"])
        .await
        .unwrap();
    assert_eq!(got.refresh_token.as_deref(), Some("refresh"));
}
