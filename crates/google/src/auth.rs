//! Credentials: a static bearer token, installed-app OAuth with a loopback redirect, or a service
//! account with domain-wide delegation, all through yup-oauth2.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use yup_oauth2::authenticator_delegate::InstalledFlowDelegate;
use yup_oauth2::{
    InstalledFlowAuthenticator, InstalledFlowReturnMethod, ServiceAccountAuthenticator,
};

use crate::error::{Error, ErrorKind};
use crate::token_store::FileTokenStorage;

/// `https://www.googleapis.com/auth/contacts`: read and write the user's contacts.
pub const SCOPE_CONTACTS: &str = "https://www.googleapis.com/auth/contacts";
/// Read the user's "Other contacts".
pub const SCOPE_OTHER_CONTACTS: &str = "https://www.googleapis.com/auth/contacts.other.readonly";
/// Read the Workspace domain directory.
pub const SCOPE_DIRECTORY: &str = "https://www.googleapis.com/auth/directory.readonly";
/// Read and write a Workspace domain's shared contacts (the GData contacts feeds).
pub const SCOPE_SHARED_CONTACTS: &str = "https://www.google.com/m8/feeds";

/// How the client authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// A fixed bearer token (the emulator, tests, a token minted elsewhere).
    Static(String),
    /// A desktop OAuth client: the secret JSON downloaded from the Cloud Console, and the file the
    /// tokens are cached in (written 0600). Run [`login`] once to fill the cache.
    InstalledApp {
        client_secret_file: PathBuf,
        token_file: PathBuf,
    },
    /// A service account key JSON, impersonating `subject` (the user's email) through
    /// domain-wide delegation.
    ServiceAccount { key_file: PathBuf, subject: String },
}

/// Which optional address books the credentials must reach; `contacts` is always requested.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scopes {
    pub other_contacts: bool,
    pub directory: bool,
    /// The Domain Shared Contacts feed (a domain administrator's credentials).
    pub shared_contacts: bool,
}

impl Scopes {
    /// Every address book.
    pub fn all() -> Scopes {
        Scopes {
            other_contacts: true,
            directory: true,
            shared_contacts: true,
        }
    }

    /// The OAuth scope URLs.
    pub fn urls(&self) -> Vec<String> {
        let mut v = vec![SCOPE_CONTACTS.to_owned()];
        if self.other_contacts {
            v.push(SCOPE_OTHER_CONTACTS.to_owned());
        }
        if self.directory {
            v.push(SCOPE_DIRECTORY.to_owned());
        }
        if self.shared_contacts {
            v.push(SCOPE_SHARED_CONTACTS.to_owned());
        }
        v
    }
}

type HttpsAuthenticator = yup_oauth2::authenticator::DefaultAuthenticator;

/// The credential source of one client.
#[derive(Clone)]
pub(crate) enum Authorizer {
    Static(Arc<str>),
    OAuth {
        auth: Arc<HttpsAuthenticator>,
        scopes: Arc<[String]>,
    },
}

impl std::fmt::Debug for Authorizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Authorizer::Static(_) => f.write_str("Authorizer::Static(..)"),
            Authorizer::OAuth { scopes, .. } => write!(f, "Authorizer::OAuth({scopes:?})"),
        }
    }
}

/// The message a non-interactive client gives when the installed flow would need a browser.
const NOT_LOGGED_IN: &str = "no valid google login is stored (missing, expired or revoked)";

/// Refuses to start a browser flow: a background client must not block on a human.
struct NonInteractive;

impl InstalledFlowDelegate for NonInteractive {
    fn present_user_url<'a>(
        &'a self,
        _url: &'a str,
        _need_code: bool,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>> + Send + 'a>>
    {
        Box::pin(async { Err(NOT_LOGGED_IN.to_owned()) })
    }
}

/// Hands the consent URL to the caller (the CLI prints it) and waits for the loopback redirect.
struct Present<F>(F);

impl<F: Fn(&str) + Send + Sync> InstalledFlowDelegate for Present<F> {
    fn present_user_url<'a>(
        &'a self,
        url: &'a str,
        _need_code: bool,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>> + Send + 'a>>
    {
        (self.0)(url);
        Box::pin(async { Ok(String::new()) })
    }
}

impl Authorizer {
    pub(crate) async fn new(auth: &Auth, scopes: Scopes, timeout: Duration) -> Result<Self, Error> {
        let scopes: Arc<[String]> = scopes.urls().into();
        let auth = match auth {
            Auth::Static(token) => return Ok(Authorizer::Static(token.as_str().into())),
            Auth::InstalledApp {
                client_secret_file,
                token_file,
            } => {
                // The "interactive" method asks the delegate for the code, and NonInteractive
                // refuses at once. (With the redirect method the flow would ignore the refusal
                // and wait for a browser that never comes.)
                installed_builder(
                    client_secret_file,
                    token_file,
                    InstalledFlowReturnMethod::Interactive,
                    Box::new(NonInteractive),
                    timeout,
                )
                .await?
            }
            Auth::ServiceAccount { key_file, subject } => {
                let key = yup_oauth2::read_service_account_key(key_file)
                    .await
                    .map_err(|e| read_error("service account key", key_file, e))?;
                ServiceAccountAuthenticator::builder(key)
                    .subject(subject.clone())
                    .with_timeout(timeout)
                    .build()
                    .await
                    .map_err(|e| {
                        Error::new(
                            ErrorKind::Other,
                            format!("cannot set up the service account: {e}"),
                        )
                        .with_source(e)
                    })?
            }
        };
        Ok(Authorizer::OAuth {
            auth: Arc::new(auth),
            scopes,
        })
    }

    /// The bearer token to send, refreshed when needed.
    pub(crate) async fn bearer(&self) -> Result<Arc<str>, Error> {
        match self {
            Authorizer::Static(t) => Ok(t.clone()),
            Authorizer::OAuth { auth, scopes } => {
                let token = auth.token(scopes).await.map_err(oauth_error)?;
                token.token().map(Arc::from).ok_or_else(|| {
                    Error::new(ErrorKind::Unauthorized, "google returned no access token")
                })
            }
        }
    }
}

async fn installed_builder(
    client_secret_file: &Path,
    token_file: &Path,
    method: InstalledFlowReturnMethod,
    delegate: Box<dyn InstalledFlowDelegate>,
    timeout: Duration,
) -> Result<HttpsAuthenticator, Error> {
    let secret = yup_oauth2::read_application_secret(client_secret_file)
        .await
        .map_err(|e| read_error("oauth client secret", client_secret_file, e))?;
    let storage = FileTokenStorage::open(token_file).await?;
    InstalledFlowAuthenticator::builder(secret, method)
        .with_storage(Box::new(storage))
        .flow_delegate(delegate)
        .with_timeout(timeout)
        .build()
        .await
        .map_err(|e| {
            Error::new(
                ErrorKind::Other,
                format!("cannot set up the oauth flow: {e}"),
            )
            .with_source(e)
        })
}

fn read_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::new(
        ErrorKind::Other,
        format!("cannot read the {what} from {}: {e}", path.display()),
    )
    .with_source(e)
}

/// Maps a yup-oauth2 failure: a refused grant is `Unauthorized`, an unreachable token endpoint
/// `Transient`.
pub(crate) fn oauth_error(e: yup_oauth2::Error) -> Error {
    use yup_oauth2::Error as E;
    let kind = match &e {
        E::AuthError(_) | E::UserError(_) | E::MissingAccessToken => ErrorKind::Unauthorized,
        E::HttpError(_) | E::HttpClientError(_) => ErrorKind::Transient,
        _ => ErrorKind::Other,
    };
    let message = match &e {
        E::UserError(m) if m == NOT_LOGGED_IN => NOT_LOGGED_IN.to_owned(),
        E::AuthError(a) => format!("google refused the credentials: {a}"),
        other => format!("cannot obtain an access token: {other}"),
    };
    Error::new(kind, message).with_source(e)
}

/// Runs the installed-app consent flow once: `present` receives the URL the user must open; the
/// redirect comes back to a loopback port; the tokens land in `token_file` (mode 0600).
pub async fn login<F>(
    client_secret_file: &Path,
    token_file: &Path,
    scopes: Scopes,
    present: F,
) -> Result<(), Error>
where
    F: Fn(&str) + Send + Sync + 'static,
{
    let auth = installed_builder(
        client_secret_file,
        token_file,
        InstalledFlowReturnMethod::HTTPRedirect,
        Box::new(Present(present)),
        Duration::from_secs(60),
    )
    .await?;
    auth.token(&scopes.urls()).await.map_err(oauth_error)?;
    Ok(())
}
