//! The client itself: configuration, and the one place a request is paced, authorised, sent,
//! retried and classified.

use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use tracing::{debug, warn};

use crate::auth::{Auth, Authorizer, Scopes};
use crate::error::{Error, ErrorKind};
use crate::pacer::{Bucket, Pacer, Pacing};
use crate::retry::{RetryPolicy, parse_retry_after};

/// Google's endpoint.
pub const GOOGLE_BASE_URL: &str = "https://people.googleapis.com";

/// Everything a client needs.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `https://people.googleapis.com`, or the emulator's `http://127.0.0.1:PORT`; paths start `/v1/`.
    pub base_url: String,
    pub auth: Auth,
    /// The optional address books the OAuth credentials must reach.
    pub scopes: Scopes,
    pub pacing: Pacing,
    /// The limit on each request, from connecting to the last byte of the response.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// Where the GData feeds are (the Domain Shared Contacts API): `https://www.google.com`, or
    /// the emulator's address; paths start `/m8/feeds/`.
    pub feeds_url: String,
}

/// Google's GData endpoint (the Domain Shared Contacts feed).
pub const GOOGLE_FEEDS_URL: &str = "https://www.google.com";

impl ClientConfig {
    /// Google's endpoint with the default pacing, a 60 s timeout and the default retries.
    pub fn new(auth: Auth) -> ClientConfig {
        ClientConfig {
            base_url: GOOGLE_BASE_URL.to_owned(),
            auth,
            scopes: Scopes::default(),
            pacing: Pacing::default(),
            timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            feeds_url: GOOGLE_FEEDS_URL.to_owned(),
        }
    }
}

/// A People API client for one account. Cheap to clone; clones share the pacing, the token
/// cache and the mutation lock, so one account's mutations stay strictly sequential.
#[derive(Debug, Clone)]
pub struct GoogleClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base_url: String,
    feeds_url: String,
    auth: Authorizer,
    pacer: Pacer,
    retry: RetryPolicy,
    mutations: tokio::sync::Mutex<()>,
    stats: std::sync::Mutex<std::collections::BTreeMap<&'static str, CallStats>>,
}

/// How many requests one API method sent, and how many of them failed (retries count each).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallStats {
    pub requests: u64,
    pub errors: u64,
}

/// One API call, described before it is sent (so it can be sent again).
#[derive(Debug)]
pub(crate) struct Call {
    /// The discovery method id, e.g. `people.connections.list`.
    pub(crate) id: &'static str,
    pub(crate) method: reqwest::Method,
    /// The path below the base URL, e.g. `v1/people/me/connections`.
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Option<serde_json::Value>,
    /// A body that is not JSON: its content type and bytes (the shared contacts feed's XML).
    pub(crate) raw_body: Option<(&'static str, Vec<u8>)>,
    /// Extra request headers (`If-Match`, `GData-Version`).
    pub(crate) headers: Vec<(&'static str, String)>,
    /// Sent to [`ClientConfig::feeds_url`] instead of the People API.
    pub(crate) feeds: bool,
    /// Quota units the call draws from its bucket (Google charges a batch create or update 6
    /// writes, a batch delete 10).
    pub(crate) cost: u32,
}

impl Call {
    pub(crate) fn new(id: &'static str, method: reqwest::Method, path: impl Into<String>) -> Call {
        Call {
            id,
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            raw_body: None,
            headers: Vec::new(),
            feeds: false,
            cost: 1,
        }
    }

    pub(crate) fn get(id: &'static str, path: impl Into<String>) -> Call {
        Call::new(id, reqwest::Method::GET, path)
    }

    pub(crate) fn query(mut self, key: &'static str, value: impl Into<String>) -> Call {
        self.query.push((key, value.into()));
        self
    }

    pub(crate) fn query_opt(self, key: &'static str, value: Option<impl Into<String>>) -> Call {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    pub(crate) fn cost(mut self, cost: u32) -> Call {
        self.cost = cost;
        self
    }

    pub(crate) fn body(mut self, body: &impl serde::Serialize) -> Result<Call, Error> {
        let value = serde_json::to_value(body).map_err(|e| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!("cannot encode the request: {e}"),
            )
            .with_method(self.id)
        })?;
        self.body = Some(value);
        Ok(self)
    }

    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Call {
        self.headers.push((name, value.into()));
        self
    }

    /// A call to the GData feeds (`https://www.google.com/m8/feeds/...`), with an XML body.
    pub(crate) fn feed(mut self, body: Option<Vec<u8>>) -> Call {
        self.feeds = true;
        self.raw_body = body.map(|b| ("application/atom+xml; charset=UTF-8", b));
        self.header("GData-Version", "3.0")
    }

    /// Reads are anything but a mutation; the bucket and the retry rules follow from it.
    fn is_mutation(&self) -> bool {
        self.method != reqwest::Method::GET
    }
}

/// What one attempt produced.
enum Attempt<T> {
    Done(T),
    /// Failed, may be retried (after at least the given wait).
    Retry(Error),
    Fail(Error),
}

impl GoogleClient {
    /// Builds a client; reads the OAuth secret or service account key and the token cache, but
    /// makes no request until the first call.
    pub async fn new(config: ClientConfig) -> Result<GoogleClient, Error> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(15)))
            .user_agent(concat!("peopledav/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                Error::new(
                    ErrorKind::Other,
                    format!("cannot build the http client: {e}"),
                )
                .with_source(e)
            })?;
        let base_url = config.base_url.trim_end_matches('/').to_owned();
        url::Url::parse(&base_url).map_err(|e| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!("the base url {base_url:?} is not a valid url: {e}"),
            )
        })?;
        let feeds_url = config.feeds_url.trim_end_matches('/').to_owned();
        let auth = Authorizer::new(&config.auth, config.scopes, config.timeout).await?;
        Ok(GoogleClient {
            inner: Arc::new(Inner {
                http,
                base_url,
                feeds_url,
                auth,
                pacer: Pacer::new(config.pacing),
                retry: config.retry,
                mutations: tokio::sync::Mutex::new(()),
                stats: std::sync::Mutex::default(),
            }),
        })
    }

    /// The requests sent so far by this client and its clones, per discovery method id.
    pub fn call_stats(&self) -> Vec<(&'static str, CallStats)> {
        let stats = self.inner.stats.lock().unwrap_or_else(|e| e.into_inner());
        stats.iter().map(|(k, v)| (*k, *v)).collect()
    }

    fn count(&self, method: &'static str, ok: bool) {
        let mut stats = self.inner.stats.lock().unwrap_or_else(|e| e.into_inner());
        let entry = stats.entry(method).or_default();
        entry.requests += 1;
        entry.errors += u64::from(!ok);
    }

    /// Sends `call`: paced, authorised, retried while retrying is safe, and classified.
    pub(crate) async fn execute<T: DeserializeOwned>(&self, call: Call) -> Result<T, Error> {
        let id = call.id;
        let bytes = self.execute_raw(call).await?;
        let body: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        serde_json::from_slice(body).map_err(|e| {
            Error::new(
                ErrorKind::Other,
                format!("google sent a response that does not parse: {e}"),
            )
            .with_method(id)
            .with_source(e)
        })
    }

    /// [`GoogleClient::execute`], returning the response body as it came.
    pub(crate) async fn execute_raw(&self, call: Call) -> Result<bytes::Bytes, Error> {
        let mutation = call.is_mutation();
        // One account's mutations go one at a time, retries included (Google's rule).
        let _turn = if mutation {
            Some(self.inner.mutations.lock().await)
        } else {
            None
        };
        let bucket = if mutation {
            Bucket::Write
        } else {
            Bucket::Read
        };
        let policy = self.inner.retry;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            self.inner.pacer.acquire(bucket, call.cost).await;
            let outcome = self.attempt(&call, mutation).await;
            self.count(call.id, matches!(outcome, Attempt::Done(_)));
            let error = match outcome {
                Attempt::Done(v) => return Ok(v),
                Attempt::Fail(e) => return Err(e),
                Attempt::Retry(e) => e,
            };
            if attempt >= policy.max_attempts.max(1) {
                return Err(error);
            }
            let Some(wait) = policy.delay(attempt - 1, error.retry_after()) else {
                return Err(error);
            };
            warn!(method = call.id, attempt, ?wait, error = %error, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(&self, call: &Call, mutation: bool) -> Attempt<bytes::Bytes> {
        let token = match self.inner.auth.bearer().await {
            Ok(t) => t,
            Err(e) if e.kind() == ErrorKind::Transient => {
                return Attempt::Retry(e.with_method(call.id));
            }
            Err(e) => return Attempt::Fail(e.with_method(call.id)),
        };
        let base = if call.feeds {
            &self.inner.feeds_url
        } else {
            &self.inner.base_url
        };
        let url = format!("{base}/{}", call.path);
        let mut req = self
            .inner
            .http
            .request(call.method.clone(), &url)
            .bearer_auth(&*token)
            .query(&call.query);
        for (name, value) in &call.headers {
            req = req.header(*name, value);
        }
        if let Some(body) = &call.body {
            req = req.json(body);
        } else if let Some((content_type, bytes)) = &call.raw_body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, *content_type)
                .body(bytes.clone());
        } else if mutation {
            req = req.header(reqwest::header::CONTENT_LENGTH, "0");
        }
        debug!(method = call.id, %url, "request");
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => return transport_failure(call.id, mutation, e),
        };
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let bytes = match resp.bytes().await {
            Ok(b) => b,
            Err(e) if status.is_success() => return transport_failure(call.id, mutation, e),
            // An error status arrived, so the outcome is known even if its body did not.
            Err(_) => bytes::Bytes::new(),
        };
        if status.is_success() {
            return Attempt::Done(bytes);
        }
        let error = Error::from_response(status.as_u16(), &bytes)
            .with_method(call.id)
            .with_retry_after(retry_after);
        if error.kind().is_retryable() {
            Attempt::Retry(error)
        } else {
            Attempt::Fail(error)
        }
    }
}

/// No response: a read is retried; a mutation is retried only if it never left (the connection
/// was refused), otherwise its outcome is unknown and the caller must find out.
fn transport_failure<T>(id: &'static str, mutation: bool, e: reqwest::Error) -> Attempt<T> {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "lost the connection"
    };
    if mutation && !e.is_connect() {
        let err = Error::new(
            ErrorKind::OutcomeUnknown,
            format!("{what} before google answered; the change may or may not have been applied"),
        )
        .with_method(id)
        .with_source(e);
        return Attempt::Fail(err);
    }
    Attempt::Retry(
        Error::new(ErrorKind::Transient, format!("{what}: {e}"))
            .with_method(id)
            .with_source(e),
    )
}

/// Rejects resource names that would change the request path.
pub(crate) fn check_resource_name(name: &str, prefix: &str) -> Result<(), Error> {
    let ok = name
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|id| {
            !id.is_empty()
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
                && id != "."
                && id != ".."
        });
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::InvalidRequest,
            format!("{name:?} is not a valid {prefix}/… resource name"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_names_are_checked_before_they_reach_a_path() {
        assert!(check_resource_name("people/c123", "people").is_ok());
        assert!(check_resource_name("people/me", "people").is_ok());
        assert!(check_resource_name("contactGroups/myContacts", "contactGroups").is_ok());
        for bad in [
            "people/",
            "people/../x",
            "people/a/b",
            "people/a?x=1",
            "contactGroups/x",
            "c1",
        ] {
            let e = check_resource_name(bad, "people").unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{bad}");
        }
    }
}
