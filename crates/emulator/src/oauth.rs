//! Google's OAuth endpoints, enough for a web or installed-app client to sign in against the
//! emulator: a consent page at `/o/oauth2/auth` that lists the emulator's accounts, and the token
//! endpoint at `/token` for the `authorization_code` and `refresh_token` grants. The access token
//! handed out is the chosen account's emulator token, so the API accepts it.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use rand::Rng;
use serde::Deserialize;
use serde_json::json;

use crate::server::Emulator;
use crate::state::lock;

/// What the consent page lets through to the token endpoint: one-time codes.
#[derive(Debug, Default)]
pub(crate) struct Grants {
    /// code → (account index, redirect_uri, client_id).
    codes: HashMap<String, (usize, String, String)>,
}

/// The prefix of the emulator's refresh tokens; the rest is the account index.
const REFRESH_PREFIX: &str = "1//emulator-refresh-";
/// How long an access token is said to last (Google says 3599 seconds).
const EXPIRES_IN: i64 = 3599;

#[derive(Deserialize)]
pub(crate) struct AuthQuery {
    client_id: Option<String>,
    redirect_uri: Option<String>,
    response_type: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    /// Set by the consent page's buttons: the chosen account.
    account: Option<usize>,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn bad_request(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Html(format!(
            "<!doctype html><title>Error 400</title><h1>Error 400: invalid_request</h1><p>{}</p>",
            escape(message)
        )),
    )
        .into_response()
}

/// `GET /o/oauth2/auth`: without `account`, the consent page; with it, the redirect back to the
/// client with a fresh code.
pub(crate) async fn authorize(State(emu): State<Emulator>, Query(q): Query<AuthQuery>) -> Response {
    let (Some(client_id), Some(redirect_uri)) = (q.client_id.as_deref(), q.redirect_uri.as_deref())
    else {
        return bad_request("Missing required parameter: client_id and redirect_uri");
    };
    if q.response_type.as_deref() != Some("code") {
        return bad_request("Unsupported response_type: only \"code\" is supported");
    }
    let Ok(mut back) = url::Url::parse(redirect_uri) else {
        return bad_request("Invalid parameter value for redirect_uri: not a URL");
    };
    let accounts = emu.account_emails();
    if let Some(index) = q.account {
        if index >= accounts.len() {
            return bad_request("no such account");
        }
        let code = format!("4/emulator-{:032x}", rand::thread_rng().r#gen::<u128>());
        lock(&emu.shared().grants).codes.insert(
            code.clone(),
            (index, redirect_uri.to_owned(), client_id.to_owned()),
        );
        {
            let mut pairs = back.query_pairs_mut();
            pairs.append_pair("code", &code);
            if let Some(state) = &q.state {
                pairs.append_pair("state", state);
            }
            if let Some(scope) = &q.scope {
                pairs.append_pair("scope", scope);
            }
        }
        return (
            StatusCode::FOUND,
            [(axum::http::header::LOCATION, back.to_string())],
        )
            .into_response();
    }
    let scopes: String = q
        .scope
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .map(|s| format!("<li><code>{}</code></li>", escape(s)))
        .collect();
    let buttons: String = accounts
        .iter()
        .enumerate()
        .map(|(i, email)| {
            let mut url = url::Url::parse("http://emulator/o/oauth2/auth").expect("a valid URL");
            url.query_pairs_mut()
                .append_pair("client_id", client_id)
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("response_type", "code")
                .append_pair("scope", q.scope.as_deref().unwrap_or(""))
                .append_pair("state", q.state.as_deref().unwrap_or(""))
                .append_pair("account", &i.to_string());
            let href = format!("{}?{}", url.path(), url.query().unwrap_or(""));
            format!(
                "<p><a class=\"allow\" href=\"{}\">Allow as {}</a></p>",
                escape(&href),
                escape(email)
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><meta charset=\"utf-8\"><title>Sign in – People API emulator</title>\
         <h1>People API emulator: sign in</h1>\
         <p>This is the local emulator, not Google. The application <code>{}</code> asks for:</p>\
         <ul>{scopes}</ul>{buttons}",
        escape(client_id)
    ))
    .into_response()
}

#[derive(Deserialize)]
pub(crate) struct TokenForm {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    refresh_token: Option<String>,
}

fn token_error(error: &str, description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

/// `POST /token`.
pub(crate) async fn token(State(emu): State<Emulator>, Form(form): Form<TokenForm>) -> Response {
    let index = match form.grant_type.as_deref() {
        Some("authorization_code") => {
            let Some(code) = form.code.as_deref() else {
                return token_error("invalid_request", "Missing required parameter: code");
            };
            let Some((index, redirect_uri, client_id)) =
                lock(&emu.shared().grants).codes.remove(code)
            else {
                return token_error("invalid_grant", "Malformed auth code.");
            };
            if form.redirect_uri.as_deref() != Some(redirect_uri.as_str()) {
                return token_error("redirect_uri_mismatch", "Bad Request");
            }
            if form.client_id.as_deref() != Some(client_id.as_str()) {
                return token_error("invalid_client", "The OAuth client was not found.");
            }
            index
        }
        Some("refresh_token") => {
            let parsed = form
                .refresh_token
                .as_deref()
                .and_then(|t| t.strip_prefix(REFRESH_PREFIX))
                .and_then(|i| i.parse::<usize>().ok())
                .filter(|i| *i < emu.account_emails().len());
            match parsed {
                Some(i) => i,
                None => return token_error("invalid_grant", "Token has been expired or revoked."),
            }
        }
        _ => return token_error("unsupported_grant_type", "Invalid grant_type"),
    };
    let access_token = emu.account_token(index);
    let mut body = json!({
        "access_token": access_token,
        "expires_in": EXPIRES_IN,
        "token_type": "Bearer",
        "scope": "https://www.googleapis.com/auth/contacts",
    });
    if form.grant_type.as_deref() == Some("authorization_code") {
        body["refresh_token"] = json!(format!("{REFRESH_PREFIX}{index}"));
    }
    axum::Json(body).into_response()
}
