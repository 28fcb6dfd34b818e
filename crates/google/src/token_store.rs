//! The OAuth token cache on disk: a JSON file only its owner can read (mode 0600), replaced atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use yup_oauth2::storage::{TokenInfo, TokenStorage, TokenStorageError};

use crate::error::{Error, ErrorKind};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct CacheFile {
    tokens: Vec<Entry>,
}

impl CacheFile {
    fn find(&self, scopes: &[&str]) -> Option<TokenInfo> {
        self.tokens
            .iter()
            .find(|e| scopes.iter().all(|s| e.scopes.iter().any(|k| k == s)))
            .map(|e| e.token.clone())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    scopes: Vec<String>,
    token: TokenInfo,
}

/// A yup-oauth2 [`TokenStorage`] backed by one file, written with mode 0600 (never readable by
/// group or others, even for a moment: the file is created with that mode, then renamed).
#[derive(Debug)]
pub struct FileTokenStorage {
    path: PathBuf,
    cache: Mutex<CacheFile>,
}

impl FileTokenStorage {
    /// Opens the cache at `path`; a missing file is an empty cache.
    pub async fn open(path: &Path) -> Result<FileTokenStorage, Error> {
        let cache = match tokio::fs::read(path).await {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::new(
                    ErrorKind::Other,
                    format!(
                        "the token cache {} is not valid json ({e}); delete it and log in again",
                        path.display()
                    ),
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => CacheFile::default(),
            Err(e) => {
                return Err(Error::new(
                    ErrorKind::Other,
                    format!("cannot read the token cache {}: {e}", path.display()),
                )
                .with_source(e));
            }
        };
        Ok(FileTokenStorage {
            path: path.to_owned(),
            cache: Mutex::new(cache),
        })
    }

    /// The path of the cache file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[async_trait::async_trait]
impl TokenStorage for FileTokenStorage {
    async fn set(&self, scopes: &[&str], token: TokenInfo) -> Result<(), TokenStorageError> {
        let mut cache = self.cache.lock().await;
        let mut key: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
        key.sort();
        key.dedup();
        cache.tokens.retain(|e| e.scopes != key);
        cache.tokens.push(Entry { scopes: key, token });
        let bytes = serde_json::to_vec_pretty(&*cache)
            .map_err(|e| TokenStorageError::Other(e.to_string().into()))?;
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || write_private(&path, &bytes))
            .await
            .map_err(|e| TokenStorageError::Other(e.to_string().into()))??;
        Ok(())
    }

    async fn get(&self, scopes: &[&str]) -> Option<TokenInfo> {
        let mut cache = self.cache.lock().await;
        if let Some(token) = cache.find(scopes) {
            return Some(token);
        }
        // Another process (`peopledav login`) or the status page's web flow may have logged in
        // since the file was read: look again before giving up.
        let bytes = tokio::fs::read(&self.path).await.ok()?;
        *cache = serde_json::from_slice(&bytes).ok()?;
        cache.find(scopes)
    }
}

/// Writes `bytes` to `path` through a sibling temporary file created with mode 0600.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    let mut tmp_name = path.file_name().unwrap_or_default().to_owned();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    let _ = std::fs::remove_file(&tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The umask can only remove bits, but be explicit in case the file pre-existed oddly.
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(access: &str) -> TokenInfo {
        TokenInfo {
            access_token: Some(access.into()),
            refresh_token: Some("refresh".into()),
            expires_at: None,
            id_token: None,
        }
    }

    #[tokio::test]
    async fn tokens_survive_a_reopen_and_are_found_by_scope_subset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/tokens.json");
        let store = FileTokenStorage::open(&path).await.unwrap();
        assert!(store.get(&["a"]).await.is_none());
        store.set(&["b", "a"], token("t1")).await.unwrap();
        store.set(&["c"], token("t2")).await.unwrap();
        store.set(&["a", "b"], token("t3")).await.unwrap();

        let reopened = FileTokenStorage::open(&path).await.unwrap();
        assert_eq!(reopened.get(&["a"]).await, Some(token("t3")));
        assert_eq!(reopened.get(&["a", "b"]).await, Some(token("t3")));
        assert_eq!(reopened.get(&["c"]).await, Some(token("t2")));
        assert!(reopened.get(&["a", "c"]).await.is_none());
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_token_file_is_written_0600_even_over_a_readable_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        std::fs::write(&path, r#"{"tokens":[]}"#).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let store = FileTokenStorage::open(&path).await.unwrap();
        store.set(&["s"], token("t")).await.unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(!dir.path().join("tokens.json.tmp").exists());
    }

    #[tokio::test]
    async fn a_corrupt_cache_says_how_to_recover() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        std::fs::write(&path, "not json").unwrap();
        let e = FileTokenStorage::open(&path).await.unwrap_err();
        assert!(e.message().contains("delete it and log in again"), "{e}");
    }
}
