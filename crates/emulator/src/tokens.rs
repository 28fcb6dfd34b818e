//! Opaque page and sync tokens: which listing, where it stopped, and the parameters it started with.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::ApiError;

/// Where a paginated listing continues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageToken {
    /// Which listing (`c` connections, `o` other contacts, `d` directory, `g` groups, `s` search).
    pub kind: char,
    pub account: usize,
    /// Position: the last sequence number returned, or an offset.
    pub pos: u64,
    /// The sequence number the listing is consistent up to (its future sync token).
    pub horizon: u64,
    /// For an incremental listing: the sequence number of the sync token it started from.
    pub base: Option<u64>,
    /// Emulator time (µs) of the full sync this listing descends from.
    pub full_sync_at: i64,
    /// Hash of the request parameters that must not change between pages.
    pub params: u64,
}

/// Where an incremental sync starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SyncToken {
    pub kind: char,
    pub account: usize,
    pub seq: u64,
    pub full_sync_at: i64,
    pub params: u64,
}

impl PageToken {
    pub fn encode(&self) -> String {
        let base = self.base.map_or("-".to_owned(), |b| b.to_string());
        URL_SAFE_NO_PAD.encode(format!(
            "p1.{}.{}.{}.{}.{}.{}.{:x}",
            self.kind, self.account, self.pos, self.horizon, base, self.full_sync_at, self.params
        ))
    }

    pub fn decode(token: &str) -> Result<PageToken, ApiError> {
        let text = decode_text(token)?;
        let p: Vec<&str> = text.split('.').collect();
        let bad = ApiError::bad_request;
        if p.len() != 8 || p[0] != "p1" {
            return Err(bad());
        }
        Ok(PageToken {
            kind: p[1].chars().next().ok_or_else(bad)?,
            account: p[2].parse().map_err(|_| bad())?,
            pos: p[3].parse().map_err(|_| bad())?,
            horizon: p[4].parse().map_err(|_| bad())?,
            base: if p[5] == "-" {
                None
            } else {
                Some(p[5].parse().map_err(|_| bad())?)
            },
            full_sync_at: p[6].parse().map_err(|_| bad())?,
            params: u64::from_str_radix(p[7], 16).map_err(|_| bad())?,
        })
    }
}

impl SyncToken {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!(
            "s1.{}.{}.{}.{}.{:x}",
            self.kind, self.account, self.seq, self.full_sync_at, self.params
        ))
    }

    pub fn decode(token: &str) -> Result<SyncToken, ApiError> {
        let text = decode_text(token)?;
        let p: Vec<&str> = text.split('.').collect();
        let bad = ApiError::bad_request;
        if p.len() != 6 || p[0] != "s1" {
            return Err(bad());
        }
        Ok(SyncToken {
            kind: p[1].chars().next().ok_or_else(bad)?,
            account: p[2].parse().map_err(|_| bad())?,
            seq: p[3].parse().map_err(|_| bad())?,
            full_sync_at: p[4].parse().map_err(|_| bad())?,
            params: u64::from_str_radix(p[5], 16).map_err(|_| bad())?,
        })
    }
}

fn decode_text(token: &str) -> Result<String, ApiError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(token.trim_end_matches('='))
        .map_err(|_| ApiError::bad_request())?;
    String::from_utf8(bytes).map_err(|_| ApiError::bad_request())
}

/// FNV-1a over the parameter values, stable across runs.
pub(crate) fn params_hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Sync tokens expire this long after the full sync they descend from.
pub(crate) const SYNC_TOKEN_LIFETIME_MICROS: i64 = 7 * 24 * 3600 * 1_000_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        let p = PageToken {
            kind: 'c',
            account: 1,
            pos: 42,
            horizon: 99,
            base: Some(7),
            full_sync_at: 1_700_000_000_000_000,
            params: 0xdead_beef,
        };
        assert_eq!(PageToken::decode(&p.encode()).unwrap(), p);
        let s = SyncToken {
            kind: 'g',
            account: 0,
            seq: 5,
            full_sync_at: 3,
            params: 1,
        };
        assert_eq!(SyncToken::decode(&s.encode()).unwrap(), s);
        assert!(SyncToken::decode("garbage!").is_err());
        assert!(SyncToken::decode(&p.encode()).is_err());
    }
}
