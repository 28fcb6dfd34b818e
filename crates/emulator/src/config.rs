//! Emulator configuration: accounts, quotas, fault injection, sync delay and seed data.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::EmulatorError;

/// Everything an emulator instance is started with.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Google accounts; each is reached with its own bearer token.
    pub accounts: Vec<AccountConfig>,
    /// Per-account, per-minute request quotas.
    pub quotas: Quotas,
    /// Injected failures and latency.
    pub faults: FaultSpec,
    /// How long a write takes to show up in incremental sync results.
    pub sync_delay: Duration,
    /// Contacts every account starts with (when the state file does not hold the account).
    pub seed: Seed,
    /// Where the address books are saved: [`crate::Emulator::open`] restores them from this file
    /// when it exists, and a serving emulator writes them back after changes and on shutdown.
    /// `None` keeps everything in memory.
    pub state_file: Option<PathBuf>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            accounts: vec![AccountConfig::default()],
            quotas: Quotas::default(),
            faults: FaultSpec::none(),
            sync_delay: Duration::ZERO,
            seed: Seed::None,
            state_file: None,
        }
    }
}

/// One Google account of the emulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountConfig {
    /// The OAuth access token that authenticates as this account.
    pub token: String,
    /// The account's e-mail address (its profile, and the key in [`crate::Stats::by_account`]).
    pub email: String,
    /// `Some(domain)` makes this a Workspace account with a domain directory.
    pub workspace_domain: Option<String>,
    /// Whether the account administers its Workspace domain: only an administrator may use the
    /// domain's shared contacts feed (`/m8/feeds/contacts/{domain}/full`).
    pub domain_admin: bool,
}

impl Default for AccountConfig {
    fn default() -> Self {
        AccountConfig {
            token: "emulator".into(),
            email: "demo@example.com".into(),
            workspace_domain: None,
            domain_admin: false,
        }
    }
}

/// Per-account quotas. Google publishes no numbers; the defaults are the third-party observations
/// collected in the reference notes (60 critical reads, 30 critical writes, 30 writes, 50 photo
/// writes, 90 contact-group reads and 180 reads per minute, 100,000 contact writes per day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotas {
    /// "Read requests" per minute: connections.list, searchContacts, otherContacts, directory.
    pub reads_per_minute: u32,
    /// "Write requests (Contact Deletes and Contact Group Writes)" per minute.
    pub writes_per_minute: u32,
    /// "Critical read requests (Contact and Profile Reads)" per minute: get, getBatchGet, and the
    /// post-mutate read of creates and updates.
    pub critical_reads_per_minute: u32,
    /// "Critical write requests (Contact Writes)" per minute: creates and updates.
    pub critical_writes_per_minute: u32,
    /// Photo writes per minute: updateContactPhoto, deleteContactPhoto.
    pub photo_writes_per_minute: u32,
    /// Contact group reads per minute: contactGroups.list, get, batchGet.
    pub group_reads_per_minute: u32,
    /// "Daily Contact Writes (Total)" per day.
    pub daily_contact_writes: u32,
}

impl Default for Quotas {
    fn default() -> Self {
        Quotas {
            reads_per_minute: 180,
            writes_per_minute: 30,
            critical_reads_per_minute: 60,
            critical_writes_per_minute: 30,
            photo_writes_per_minute: 50,
            group_reads_per_minute: 90,
            daily_contact_writes: 100_000,
        }
    }
}

impl Quotas {
    /// No quota at all (benchmarks, bulk tests).
    pub fn unlimited() -> Quotas {
        Quotas {
            reads_per_minute: u32::MAX,
            writes_per_minute: u32::MAX,
            critical_reads_per_minute: u32::MAX,
            critical_writes_per_minute: u32::MAX,
            photo_writes_per_minute: u32::MAX,
            group_reads_per_minute: u32::MAX,
            daily_contact_writes: u32::MAX,
        }
    }
}

/// What every account holds when the emulator starts.
#[derive(Debug, Clone, Default)]
pub enum Seed {
    /// Empty address books (only the system contact groups).
    #[default]
    None,
    /// This many realistic made-up contacts spread over a few user groups, some with photos;
    /// the same every time (seeded RNG).
    Count(usize),
    /// These persons. A `resourceName` of `people/c<digits>` is kept, `otherContacts/c<digits>`
    /// makes an "Other contact"; memberships of unknown user groups create the group.
    Persons(Vec<people::Person>),
}

/// Injected faults. Rates are probabilities per API request, from 0.0 to 1.0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaultSpec {
    /// Answer 500 INTERNAL without doing anything.
    pub error_500: f64,
    /// Answer 503 UNAVAILABLE without doing anything.
    pub error_503: f64,
    /// Answer 429 RESOURCE_EXHAUSTED without doing anything.
    pub error_429: f64,
    /// Added to every API request before it is handled.
    pub latency: Duration,
    /// For writes: perform the write, then close the connection without answering.
    pub drop_after_commit: f64,
}

impl Default for FaultSpec {
    fn default() -> Self {
        FaultSpec::none()
    }
}

impl FaultSpec {
    /// No faults, no latency.
    pub fn none() -> FaultSpec {
        FaultSpec {
            error_500: 0.0,
            error_503: 0.0,
            error_429: 0.0,
            latency: Duration::ZERO,
            drop_after_commit: 0.0,
        }
    }

    /// Parses `500=0.05,503=0.05,429=0.05,latency=20ms,drop=0.05` (any subset, any order;
    /// an empty string or `none` means no faults). Latency takes `us`, `ms` or `s`.
    pub fn parse(spec: &str) -> Result<FaultSpec, EmulatorError> {
        let fail = |reason: String| EmulatorError::InvalidFaultSpec {
            spec: spec.to_owned(),
            reason,
        };
        let mut faults = FaultSpec::none();
        let trimmed = spec.trim();
        if trimmed.is_empty() || trimmed == "none" {
            return Ok(faults);
        }
        for part in trimmed.split(',').map(str::trim) {
            if part.is_empty() {
                continue;
            }
            let (key, value) = part.split_once('=').ok_or_else(|| {
                fail(format!(
                    "{part:?} is not KEY=VALUE (keys: 500, 503, 429, latency, drop)"
                ))
            })?;
            let (key, value) = (key.trim(), value.trim());
            let rate = || -> Result<f64, EmulatorError> {
                let r: f64 = value.parse().map_err(|_| {
                    fail(format!(
                        "rate for {key} must be a number from 0 to 1, got {value:?}"
                    ))
                })?;
                if !(0.0..=1.0).contains(&r) {
                    return Err(fail(format!(
                        "rate for {key} must be from 0 to 1, got {value}"
                    )));
                }
                Ok(r)
            };
            match key {
                "500" => faults.error_500 = rate()?,
                "503" => faults.error_503 = rate()?,
                "429" => faults.error_429 = rate()?,
                "drop" => faults.drop_after_commit = rate()?,
                "latency" => faults.latency = parse_duration(value).map_err(fail)?,
                other => {
                    return Err(fail(format!(
                        "unknown key {other:?} (keys: 500, 503, 429, latency, drop)"
                    )));
                }
            }
        }
        if faults.error_500 + faults.error_503 + faults.error_429 > 1.0 {
            return Err(fail(
                "the rates of 500, 503 and 429 add up to more than 1".into(),
            ));
        }
        Ok(faults)
    }
}

fn parse_duration(value: &str) -> Result<Duration, String> {
    let (number, unit) = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or((value, ""), |i| value.split_at(i));
    let n: f64 = number
        .parse()
        .map_err(|_| format!("latency {value:?} is not a number with a unit (e.g. 20ms)"))?;
    let secs = match unit {
        "us" => n / 1e6,
        "ms" => n / 1e3,
        "s" => n,
        _ => {
            return Err(format!(
                "latency {value:?} needs a unit: us, ms or s (e.g. 20ms)"
            ));
        }
    };
    Duration::try_from_secs_f64(secs).map_err(|_| format!("latency {value:?} is out of range"))
}

/// Reads persons from a JSON file: an array of Persons, or an object with a `connections` array
/// (a saved connections.list page).
pub fn load_seed_file(path: impl AsRef<Path>) -> Result<Vec<people::Person>, EmulatorError> {
    let path = path.as_ref();
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| EmulatorError::SeedRead {
        path: shown.clone(),
        source,
    })?;
    let format = |reason: String| EmulatorError::SeedFormat {
        path: shown.clone(),
        reason,
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format(e.to_string()))?;
    let list = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(mut obj) => match obj.remove("connections") {
            Some(serde_json::Value::Array(items)) => items,
            _ => {
                return Err(format(
                    "expected an array or an object with \"connections\"".into(),
                ));
            }
        },
        _ => {
            return Err(format(
                "expected an array or an object with \"connections\"".into(),
            ));
        }
    };
    list.into_iter()
        .enumerate()
        .map(|(i, v)| {
            serde_json::from_value(v).map_err(|e| format(format!("person #{}: {e}", i + 1)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_spec_parses_every_key() {
        let f = FaultSpec::parse("500=0.05, 503=0.1,429=0.2,latency=20ms,drop=0.5").unwrap();
        assert_eq!(f.error_500, 0.05);
        assert_eq!(f.error_503, 0.1);
        assert_eq!(f.error_429, 0.2);
        assert_eq!(f.latency, Duration::from_millis(20));
        assert_eq!(f.drop_after_commit, 0.5);
        assert_eq!(FaultSpec::parse("").unwrap(), FaultSpec::none());
        assert_eq!(FaultSpec::parse("none").unwrap(), FaultSpec::none());
        assert_eq!(
            FaultSpec::parse("latency=1.5s").unwrap().latency,
            Duration::from_millis(1500)
        );
    }

    #[test]
    fn fault_spec_errors_say_what_is_wrong() {
        let msg = |s: &str| FaultSpec::parse(s).unwrap_err().to_string();
        assert!(
            msg("404=0.1").contains("unknown key \"404\""),
            "{}",
            msg("404=0.1")
        );
        assert!(msg("500=2").contains("from 0 to 1"));
        assert!(msg("500").contains("KEY=VALUE"));
        assert!(msg("latency=20").contains("needs a unit"));
        assert!(msg("500=0.6,503=0.6").contains("more than 1"));
        assert_eq!(
            FaultSpec::parse("x=1").unwrap_err().kind(),
            crate::EmulatorErrorKind::InvalidFaultSpec
        );
    }
}
