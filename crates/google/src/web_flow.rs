//! The OAuth authorization-code flow for a bridge on a remote host: the browser is sent to the
//! consent page with the bridge's own `/oauth/callback` as the redirect, and the code that comes
//! back is exchanged here for tokens, which land in the same 0600 cache `peopledav login` fills.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use yup_oauth2::ApplicationSecret;
use yup_oauth2::storage::{TokenInfo, TokenStorage};

use crate::auth::Scopes;
use crate::error::{Error, ErrorKind};
use crate::token_store::FileTokenStorage;

/// One account's web flow: its OAuth client, the scopes it needs, and its token cache.
#[derive(Debug, Clone)]
pub struct WebFlow {
    secret: ApplicationSecret,
    scopes: Vec<String>,
    token_file: PathBuf,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    refresh_token: Option<String>,
    expires_in: Option<i64>,
    id_token: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

impl WebFlow {
    /// Reads the client secret JSON (a "web" or "installed" client from the Cloud Console).
    pub async fn new(
        client_secret_file: &Path,
        token_file: &Path,
        scopes: Scopes,
    ) -> Result<WebFlow, Error> {
        let secret = yup_oauth2::read_application_secret(client_secret_file)
            .await
            .map_err(|e| {
                Error::new(
                    ErrorKind::Other,
                    format!(
                        "cannot read the oauth client secret from {}: {e}",
                        client_secret_file.display()
                    ),
                )
                .with_source(e)
            })?;
        Ok(WebFlow {
            secret,
            scopes: scopes.urls(),
            token_file: token_file.to_owned(),
        })
    }

    /// The consent page to send the browser to. `state` comes back with the code and must be
    /// checked by the caller (it ties the callback to the session that started the flow).
    pub fn authorize_url(&self, redirect_uri: &str, state: &str) -> Result<String, Error> {
        let mut url = url::Url::parse(&self.secret.auth_uri).map_err(|e| {
            Error::new(
                ErrorKind::Other,
                format!(
                    "the oauth client's auth_uri {:?} is not a URL: {e}",
                    self.secret.auth_uri
                ),
            )
        })?;
        url.query_pairs_mut()
            .append_pair("client_id", &self.secret.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("scope", &self.scopes.join(" "))
            .append_pair("access_type", "offline")
            .append_pair("prompt", "consent")
            .append_pair("state", state);
        Ok(url.into())
    }

    /// Exchanges the code of the callback for tokens and stores them (mode 0600).
    pub async fn finish(&self, code: &str, redirect_uri: &str) -> Result<(), Error> {
        let http = reqwest::Client::new();
        let resp = http
            .post(&self.secret.token_uri)
            .form(&[
                ("code", code),
                ("client_id", &self.secret.client_id),
                ("client_secret", &self.secret.client_secret),
                ("redirect_uri", redirect_uri),
                ("grant_type", "authorization_code"),
            ])
            .send()
            .await
            .map_err(|e| {
                Error::new(
                    ErrorKind::Transient,
                    format!(
                        "cannot reach the token endpoint {}: {e}",
                        self.secret.token_uri
                    ),
                )
                .with_source(e)
            })?;
        let status = resp.status();
        let body: TokenResponse = resp.json().await.map_err(|e| {
            Error::new(
                ErrorKind::Other,
                format!(
                    "the token endpoint answered {status} with a body that does not parse: {e}"
                ),
            )
        })?;
        if let Some(error) = body.error {
            let detail = body.error_description.unwrap_or_default();
            return Err(Error::new(
                ErrorKind::Unauthorized,
                format!("google refused the sign-in ({error}) {detail}; start again from the status page")
                    .trim_end()
                    .to_owned(),
            ));
        }
        let Some(access_token) = body.access_token else {
            return Err(Error::new(
                ErrorKind::Unauthorized,
                format!("the token endpoint answered {status} without an access token"),
            ));
        };
        if body.refresh_token.is_none() {
            return Err(Error::new(
                ErrorKind::Unauthorized,
                "google sent no refresh token, so the bridge could not stay signed in; remove \
                 peopledav's access at myaccount.google.com/permissions and connect again",
            ));
        }
        let token = TokenInfo {
            access_token: Some(access_token),
            refresh_token: body.refresh_token,
            expires_at: body
                .expires_in
                .map(|s| time::OffsetDateTime::now_utc() + time::Duration::seconds(s)),
            id_token: body.id_token,
        };
        let storage = FileTokenStorage::open(&self.token_file).await?;
        let scopes: Vec<&str> = self.scopes.iter().map(String::as_str).collect();
        storage.set(&scopes, token).await.map_err(|e| {
            Error::new(
                ErrorKind::Other,
                format!(
                    "cannot write the token cache {}: {e}",
                    self.token_file.display()
                ),
            )
        })
    }
}

/// Whether the token cache holds a login (a refresh token) for `scopes`.
pub async fn is_logged_in(token_file: &Path, scopes: Scopes) -> bool {
    let Ok(storage) = FileTokenStorage::open(token_file).await else {
        return false;
    };
    let urls = scopes.urls();
    let scopes: Vec<&str> = urls.iter().map(String::as_str).collect();
    storage
        .get(&scopes)
        .await
        .is_some_and(|t| t.refresh_token.is_some())
}
