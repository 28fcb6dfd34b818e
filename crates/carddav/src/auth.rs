//! HTTP Basic authentication against the store's bridge users (argon2 PHC hashes), with a cache
//! of recent successful verifications and a delay on every failed login.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use http::HeaderMap;
use sha2::{Digest, Sha256};

use crate::DavState;
use crate::error::DavError;

/// How long a verified password is remembered (so a sync of many requests hashes once).
const CACHE_TTL: Duration = Duration::from_secs(300);
/// The most remembered verifications; the cache is cleared when it is full.
const CACHE_MAX: usize = 1024;

/// Remembers `sha256(user, password, stored hash)` of recent successful logins.
#[derive(Default)]
pub(crate) struct AuthCache {
    verified: Mutex<HashMap<[u8; 32], Instant>>,
}

impl AuthCache {
    fn key(user: &str, password: &str, hash: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        for part in [user, password, hash] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        h.finalize().into()
    }

    fn hit(&self, key: &[u8; 32]) -> bool {
        let map = self.verified.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key).is_some_and(|t| t.elapsed() < CACHE_TTL)
    }

    fn remember(&self, key: [u8; 32]) {
        let mut map = self.verified.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= CACHE_MAX {
            map.clear();
        }
        map.insert(key, Instant::now());
    }
}

/// Hashes an app password into an argon2id PHC string, for `Store::put_user`.
pub fn hash_password(password: &str) -> Result<String, DavError> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| DavError::Internal(format!("cannot make a salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DavError::Internal(format!("cannot hash the password: {e}")))
}

/// Checks a password against a PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// The user name and password of a Basic `Authorization` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Authenticates a request: the user name on success, `Unauthorized` (after the configured
/// delay, and logged) on failure.
pub async fn authenticate(state: &DavState, headers: &HeaderMap) -> Result<String, DavError> {
    let Some((user, password)) = basic_credentials(headers) else {
        return Err(DavError::Unauthorized);
    };
    // One keyed read of sled's page cache, like the card lookups: cheaper inline than the two
    // thread hand-offs of a blocking task on every request.
    let record = state.store.user(&user)?;
    let ok = match record {
        Some(record) => {
            let key = AuthCache::key(&user, &password, &record.password_hash);
            if state.auth.hit(&key) {
                true
            } else {
                let hash = record.password_hash.clone();
                let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
                    .await
                    .map_err(|e| DavError::Internal(e.to_string()))?;
                if ok {
                    state.auth.remember(key);
                }
                ok
            }
        }
        None => false,
    };
    if ok {
        Ok(user)
    } else {
        tracing::warn!(user = %user, "failed carddav login");
        tokio::time::sleep(state.config.failed_login_delay).await;
        Err(DavError::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify() {
        let phc = hash_password("s3cret pass").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("s3cret pass", &phc));
        assert!(!verify_password("s3cret pas", &phc));
        assert!(!verify_password("s3cret pass", "not a phc string"));
    }

    #[test]
    fn reads_basic_credentials() {
        let mut h = HeaderMap::new();
        assert_eq!(basic_credentials(&h), None);
        // "alice:pa:ss" — the password may contain colons.
        h.insert(
            http::header::AUTHORIZATION,
            "Basic YWxpY2U6cGE6c3M=".parse().unwrap(),
        );
        assert_eq!(
            basic_credentials(&h),
            Some(("alice".into(), "pa:ss".into()))
        );
        h.insert(http::header::AUTHORIZATION, "Bearer abc".parse().unwrap());
        assert_eq!(basic_credentials(&h), None);
        h.insert(http::header::AUTHORIZATION, "Basic !!!".parse().unwrap());
        assert_eq!(basic_credentials(&h), None);
    }
}
