//! The `peopledav serve` configuration file: parsed strictly, then resolved (paths made absolute).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

/// The TOML file as written; see `config/peopledav.example.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// The address users reach the bridge at (behind a reverse proxy), e.g.
    /// `https://contacts.example.org`: the status page shows it and the OAuth web flow redirects
    /// to it. Without it, the request's Host header is used.
    #[serde(default)]
    pub public_url: Option<String>,
    #[serde(default)]
    pub metrics: MetricsConfig,
    #[serde(default)]
    pub tls: Option<TlsConfig>,
    #[serde(default)]
    pub log: LogConfig,
    #[serde(default)]
    pub sync: SyncConfig,
    #[serde(default)]
    pub limits: LimitsConfig,
    #[serde(default, rename = "account")]
    pub accounts: Vec<AccountConfig>,
    /// Workspace domains whose shared contacts are offered as the `shared` book.
    #[serde(default, rename = "domain")]
    pub domains: Vec<DomainConfig>,
}

/// `[[domain]]`: a Workspace domain's shared contacts (the Domain Shared Contacts API).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainConfig {
    /// The domain, e.g. `example.com`.
    pub name: String,
    /// The `[[account]]` whose credentials are a domain administrator's: it reads and writes
    /// the shared contacts feed for everyone.
    pub account: String,
    /// Bridge users who see the `shared` book (read-only).
    #[serde(default)]
    pub users: Vec<String>,
    /// Bridge users who may also create, change and delete shared contacts.
    #[serde(default)]
    pub admins: Vec<String>,
}

impl DomainConfig {
    /// Whether `user` sees the domain's shared book.
    pub fn has_user(&self, user: &str) -> bool {
        self.users.iter().chain(&self.admins).any(|u| u == user)
    }

    /// Whether `user` may write to it.
    pub fn is_admin(&self, user: &str) -> bool {
        self.admins.iter().any(|u| u == user)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Who may read `/metrics`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// A scraper presenting `Authorization: Bearer TOKEN` may read the metrics from anywhere;
    /// without a token only loopback peers may.
    pub token: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    pub format: LogFormat,
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Human,
            level: "info".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
#[allow(clippy::enum_variant_names, reason = "the names are the config values")]
pub enum ConflictPolicy {
    #[default]
    NewestWins,
    GoogleWins,
    ClientWins,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SyncConfig {
    pub interval_secs: u64,
    pub full_reconcile_hours: u64,
    pub conflict_policy: ConflictPolicy,
    pub mass_delete_share: f64,
    pub mass_delete_min: usize,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            interval_secs: 60,
            full_reconcile_hours: 24,
            conflict_policy: ConflictPolicy::NewestWins,
            mass_delete_share: 0.5,
            mass_delete_min: 10,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    pub max_resource_size: u64,
    pub max_body: usize,
    pub request_timeout_secs: u64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            max_resource_size: 1 << 20,
            max_body: 4 << 20,
            request_timeout_secs: 30,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BookKind {
    Contacts,
    Other,
    Directory,
}

fn default_books() -> Vec<BookKind> {
    vec![BookKind::Contacts, BookKind::Other]
}

/// One Google account and how to reach it.
#[derive(Debug, Clone, Deserialize)]
#[serde(from = "RawAccount")]
pub struct AccountConfig {
    pub name: String,
    pub auth: AccountAuth,
    pub books: Vec<BookKind>,
}

#[derive(Debug, Clone)]
pub enum AccountAuth {
    Oauth {
        client_secret_file: PathBuf,
        token_file: PathBuf,
        /// The People API endpoint, when not Google's (the emulator, a proxy).
        api_url: Option<String>,
    },
    ServiceAccount {
        key_file: PathBuf,
        subject: String,
    },
    Emulator {
        url: String,
        token: String,
    },
}

/// `[[account]]` as written: the `kind` key selects which other keys belong.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
enum RawAccount {
    Oauth {
        name: String,
        client_secret_file: PathBuf,
        token_file: PathBuf,
        #[serde(default)]
        api_url: Option<String>,
        #[serde(default = "default_books")]
        books: Vec<BookKind>,
    },
    ServiceAccount {
        name: String,
        key_file: PathBuf,
        subject: String,
        #[serde(default = "default_books")]
        books: Vec<BookKind>,
    },
    Emulator {
        name: String,
        url: String,
        token: String,
        #[serde(default = "default_books")]
        books: Vec<BookKind>,
    },
}

impl From<RawAccount> for AccountConfig {
    fn from(raw: RawAccount) -> Self {
        match raw {
            RawAccount::Oauth {
                name,
                client_secret_file,
                token_file,
                api_url,
                books,
            } => AccountConfig {
                name,
                auth: AccountAuth::Oauth {
                    client_secret_file,
                    token_file,
                    api_url,
                },
                books,
            },
            RawAccount::ServiceAccount {
                name,
                key_file,
                subject,
                books,
            } => AccountConfig {
                name,
                auth: AccountAuth::ServiceAccount { key_file, subject },
                books,
            },
            RawAccount::Emulator {
                name,
                url,
                token,
                books,
            } => AccountConfig {
                name,
                auth: AccountAuth::Emulator { url, token },
                books,
            },
        }
    }
}

impl Config {
    /// Reads, parses and resolves `path`; errors name the file, and TOML errors the line and key.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        let mut config = Config::parse(&text)
            .with_context(|| format!("invalid config file {}", path.display()))?;
        let base = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let base = std::path::absolute(&base).unwrap_or(base);
        config.resolve(&base);
        config.apply_env()?;
        config.validate()?;
        Ok(config)
    }

    /// Parses TOML text, without resolving paths.
    pub fn parse(text: &str) -> anyhow::Result<Config> {
        Ok(toml::from_str(text)?)
    }

    /// Makes every relative path absolute against `base` (the config file's folder).
    pub fn resolve(&mut self, base: &Path) {
        let abs = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        abs(&mut self.data_dir);
        if let Some(tls) = &mut self.tls {
            abs(&mut tls.cert);
            abs(&mut tls.key);
        }
        for account in &mut self.accounts {
            match &mut account.auth {
                AccountAuth::Oauth {
                    client_secret_file,
                    token_file,
                    ..
                } => {
                    abs(client_secret_file);
                    abs(token_file);
                }
                AccountAuth::ServiceAccount { key_file, .. } => abs(key_file),
                AccountAuth::Emulator { .. } => {}
            }
        }
    }

    fn apply_env(&mut self) -> anyhow::Result<()> {
        if let Ok(listen) = std::env::var("PEOPLEDAV_LISTEN") {
            self.listen = listen.parse().with_context(|| {
                format!("PEOPLEDAV_LISTEN={listen:?} is not an address like 127.0.0.1:8480")
            })?;
        }
        if let Some(dir) = std::env::var_os("PEOPLEDAV_DATA_DIR") {
            self.data_dir = std::path::absolute(PathBuf::from(dir))?;
        }
        if let Ok(level) = std::env::var("PEOPLEDAV_LOG") {
            self.log.level = level;
        }
        Ok(())
    }

    fn validate(&self) -> anyhow::Result<()> {
        let mut seen = std::collections::HashSet::new();
        for a in &self.accounts {
            if !seen.insert(a.name.as_str()) {
                bail!(
                    "account {:?} is defined twice: give each [[account]] its own name",
                    a.name
                );
            }
            if a.books.is_empty() {
                bail!(
                    "account {:?} enables no address book: set books = [\"contacts\"]",
                    a.name
                );
            }
        }
        if !(0.0..=1.0).contains(&self.sync.mass_delete_share) {
            bail!("sync.mass_delete_share must be between 0 and 1");
        }
        if self.sync.interval_secs == 0 {
            bail!("sync.interval_secs must be at least 1");
        }
        let mut domains = std::collections::HashSet::new();
        for d in &self.domains {
            let valid = !d.name.is_empty()
                && d.name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
            if !valid {
                bail!(
                    "[[domain]] name {:?} is not a domain name like example.com",
                    d.name
                );
            }
            if !domains.insert(d.name.as_str()) {
                bail!(
                    "domain {:?} is defined twice: give each [[domain]] its own name",
                    d.name
                );
            }
            if self.account(&d.account).is_none() {
                bail!(
                    "domain {:?} uses account {:?}, which is not defined: add that [[account]] (a domain administrator's credentials)",
                    d.name,
                    d.account
                );
            }
        }
        for user in self
            .domains
            .iter()
            .flat_map(|d| d.users.iter().chain(&d.admins))
        {
            let n = self.domains.iter().filter(|d| d.has_user(user)).count();
            if n > 1 {
                bail!(
                    "user {user:?} is in {n} [[domain]] tables: a user sees one domain's shared contacts"
                );
            }
        }
        Ok(())
    }

    pub fn account(&self, name: &str) -> Option<&AccountConfig> {
        self.accounts.iter().find(|a| a.name == name)
    }

    /// The domain whose shared contacts `user` sees.
    pub fn domain_of(&self, user: &str) -> Option<&DomainConfig> {
        self.domains.iter().find(|d| d.has_user(user))
    }

    /// Whether the account's credentials must reach the shared contacts feed.
    pub fn reads_shared_contacts(&self, account: &str) -> bool {
        self.domains.iter().any(|d| d.account == account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> String {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/peopledav.example.toml");
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn the_documented_example_parses() {
        let mut config = Config::parse(&example()).unwrap();
        config.resolve(Path::new("/etc/peopledav"));
        config.validate().unwrap();
        assert_eq!(config.listen, "127.0.0.1:8480".parse().unwrap());
        assert_eq!(config.data_dir, Path::new("/etc/peopledav/data"));
        assert_eq!(config.accounts.len(), 1);
        let AccountAuth::Oauth { token_file, .. } = &config.accounts[0].auth else {
            panic!("the example's account is an oauth account");
        };
        assert_eq!(token_file, Path::new("/etc/peopledav/tokens/family.json"));
        assert_eq!(config.sync.conflict_policy, ConflictPolicy::NewestWins);
    }

    #[test]
    fn every_commented_account_kind_parses_too() {
        let uncommented: String = example()
            .lines()
            .map(|l| {
                let t = l.trim_start_matches("# ");
                if t.starts_with("[[account]]")
                    || t.starts_with("[[domain]]")
                    || t.starts_with("account =")
                    || t.starts_with("users =")
                    || t.starts_with("admins =")
                    || t.starts_with("name =")
                    || t.starts_with("kind =")
                    || t.starts_with("key_file")
                    || t.starts_with("subject")
                    || t.starts_with("url =")
                    || t.starts_with("token =")
                    || t.starts_with("books =")
                {
                    t.to_owned()
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let config = Config::parse(&uncommented).unwrap();
        let kinds: Vec<_> = config
            .accounts
            .iter()
            .map(|a| match a.auth {
                AccountAuth::Oauth { .. } => "oauth",
                AccountAuth::ServiceAccount { .. } => "service-account",
                AccountAuth::Emulator { .. } => "emulator",
            })
            .collect();
        assert_eq!(kinds, ["oauth", "service-account", "emulator"]);
        config.validate().unwrap();
        let domain = config
            .domain_of("bob")
            .expect("bob sees the example domain");
        assert_eq!(domain.name, "example.com");
        assert!(domain.is_admin("alice") && !domain.is_admin("bob"));
        assert!(config.reads_shared_contacts("work"));
        assert!(!config.reads_shared_contacts("family"));
    }

    #[test]
    fn a_domain_must_name_a_defined_account() {
        let text = "listen = \"127.0.0.1:1\"\ndata_dir = \"d\"\n\
            [[domain]]\nname = \"example.com\"\naccount = \"nobody\"\n";
        let err = Config::parse(text)
            .unwrap()
            .validate()
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"nobody\""), "{err}");
        assert!(err.contains("domain administrator"), "{err}");
    }

    #[test]
    fn unknown_keys_are_errors_that_name_the_key_and_line() {
        let err = Config::parse("listen = \"127.0.0.1:1\"\ndata_dir = \"d\"\nlisten_port = 3\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("listen_port"), "{err}");
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn duplicate_accounts_are_refused() {
        let text = "listen = \"127.0.0.1:1\"\ndata_dir = \"d\"\n\
            [[account]]\nname = \"a\"\nkind = \"emulator\"\nurl = \"http://x\"\ntoken = \"t\"\n\
            [[account]]\nname = \"a\"\nkind = \"emulator\"\nurl = \"http://x\"\ntoken = \"t\"\n";
        let config = Config::parse(text).unwrap();
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains("defined twice"), "{err}");
    }
}
