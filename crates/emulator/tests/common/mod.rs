//! Shared test rig: an in-process emulator on 127.0.0.1:0 and a small JSON client for it.

#![allow(dead_code)]

use emulator::{Emulator, EmulatorConfig, RunningEmulator};
use serde_json::Value;

pub const TOKEN: &str = "emulator";

pub struct Rig {
    pub server: RunningEmulator,
    pub http: reqwest::Client,
    pub token: String,
}

pub async fn rig(config: EmulatorConfig) -> Rig {
    let server = Emulator::start(config).await.expect("emulator starts");
    Rig {
        server,
        http: reqwest::Client::new(),
        token: TOKEN.into(),
    }
}

pub async fn default_rig() -> Rig {
    rig(EmulatorConfig::default()).await
}

impl Rig {
    pub fn emulator(&self) -> &Emulator {
        &self.server.emulator
    }

    pub fn url(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.server.base_url(),
            path.trim_start_matches('/')
        )
    }

    /// Sends a request with the rig's token; returns the status and the JSON body (`Null` when empty).
    pub async fn send(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        self.send_as(&self.token, method, path, body).await
    }

    pub async fn send_as(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.http.request(method, self.url(path)).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.expect("request reaches the emulator");
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.expect("body");
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                panic!(
                    "body is not JSON ({e}): {}",
                    String::from_utf8_lossy(&bytes)
                )
            })
        };
        (status, value)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send("GET", path, None).await
    }

    pub async fn ok(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let (status, v) = self.send(method, path, body).await;
        assert_eq!(status, 200, "{method} {path}: {v}");
        v
    }

    pub async fn get_ok(&self, path: &str) -> Value {
        self.ok("GET", path, None).await
    }

    pub async fn delete_ok(&self, path: &str) -> Value {
        self.ok("DELETE", path, None).await
    }

    /// Creates a contact with a name and an e-mail address; returns the created person.
    pub async fn create(&self, given: &str) -> Value {
        let body = serde_json::json!({
            "names": [{"givenName": given, "familyName": "Tester"}],
            "emailAddresses": [{"value": format!("{}@example.org", given.to_lowercase())}],
        });
        self.ok(
            "POST",
            "v1/people:createContact?personFields=names,emailAddresses,memberships,metadata",
            Some(&body),
        )
        .await
    }
}

/// Asserts Google's error shape and returns (status text, ErrorInfo reason).
pub fn error_parts(code: u16, body: &Value) -> (String, Option<String>) {
    let e = &body["error"];
    assert_eq!(
        e["code"].as_u64(),
        Some(u64::from(code)),
        "error.code in {body}"
    );
    assert!(
        e["message"].as_str().is_some_and(|m| !m.is_empty()),
        "error.message in {body}"
    );
    let status = e["status"]
        .as_str()
        .unwrap_or_else(|| panic!("error.status in {body}"))
        .to_owned();
    let reason = e["details"].as_array().and_then(|d| {
        d.iter()
            .find(|x| x["@type"] == "type.googleapis.com/google.rpc.ErrorInfo")
            .map(|x| x["reason"].as_str().expect("reason").to_owned())
    });
    (status, reason)
}

pub fn name_of(p: &Value) -> String {
    p["resourceName"].as_str().expect("resourceName").to_owned()
}

pub fn etag_of(p: &Value) -> String {
    p["etag"].as_str().expect("etag").to_owned()
}

/// URL-encodes a query value.
pub fn enc(s: &str) -> String {
    url_encode(s)
}

fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A tiny valid PNG (1×1).
pub fn png() -> Vec<u8> {
    let b64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    base64_decode(b64)
}

pub fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .expect("base64")
}

pub fn base64_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}
