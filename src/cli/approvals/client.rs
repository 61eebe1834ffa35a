//! The host API over HTTP: list, answer, and follow approvals. No request
//! goes out with a token before the server proved, by the handshake
//! (docs/api.md#handshake), that it holds the host token: a listener on a
//! stale port or behind a planted pairing file gets a nonce, nothing else.

use super::discover::Target;
use crate::cli::{ExitStatus, Failure};
use futures_util::StreamExt;
use openwork::server::handshake;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

pub struct Client {
    http: reqwest::Client,
    pub target: Target,
}

/// A workspace as `GET /workspaces` describes it.
#[derive(Debug, Clone)]
pub struct WorkspaceName {
    pub name: String,
    pub path: String,
}

impl Client {
    pub fn new(target: Target) -> Result<Client, Failure> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            // The server closes connections idle for 10 s: let go of them
            // first, so an answer given after a long look at a diff never
            // goes into a connection that is closing.
            .pool_idle_timeout(Duration::from_secs(5))
            .no_proxy()
            .build()
            .map_err(|e| Failure::runtime(format!("could not start the HTTP client: {e}")))?;
        Ok(Client { http, target })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.target.url)
    }

    /// The port the target URL names (the scheme's default when none):
    /// the server's proof must be for this port.
    fn port(&self) -> u16 {
        reqwest::Url::parse(&self.target.url)
            .ok()
            .and_then(|u| u.port_or_known_default())
            .unwrap_or(0)
    }

    /// The handshake: a fresh nonce out, the server's HMAC of it (keyed
    /// with the host token, bound to the port) back, checked in constant
    /// time. Run before every request that carries a token.
    pub async fn prove(&self) -> Result<(), Failure> {
        let nonce = handshake::new_nonce()
            .map_err(|e| Failure::runtime(format!("no random source for the handshake: {e}")))?;
        let resp = self
            .http
            .post(self.url("/approvals/handshake"))
            .timeout(Duration::from_secs(10))
            .json(&json!({ "nonce": nonce }))
            .send()
            .await
            .map_err(|e| self.unreachable(&e))?;
        let ok = resp.status().is_success();
        let body = read_small(resp).await;
        let proof = body.get("proof").and_then(Value::as_str).unwrap_or("");
        if ok && handshake::verify(&self.target.host_token, &nonce, self.port(), proof) {
            return Ok(());
        }
        Err(Failure::new(
            ExitStatus::Auth,
            format!(
                "the server at {} (found via {}) did not prove that it holds the host token; the token was not sent",
                self.target.url, self.target.source
            ),
        )
        .with_hint(
            "it is another program, an openwork too old for the handshake, or a server with another host token",
        ))
    }

    fn unreachable(&self, err: &reqwest::Error) -> Failure {
        let why = if err.is_connect() {
            "connection refused or host unreachable".to_string()
        } else if err.is_timeout() {
            "timed out".to_string()
        } else {
            err.to_string()
        };
        Failure::runtime(format!(
            "cannot reach the openwork server at {} (found via {}): {why}",
            self.target.url, self.target.source
        ))
        .with_hint("is `openwork serve` running?")
    }

    /// Turns an error answer into a failure with the right exit status.
    async fn failure(&self, resp: reqwest::Response) -> Failure {
        let status = resp.status();
        let body = read_small(resp).await;
        let message = body
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let code = body.get("code").and_then(Value::as_str).unwrap_or("");
        match (status.as_u16(), code) {
            (401, _) => Failure::new(
                ExitStatus::Auth,
                format!("the server at {} refused the host token (found via {})", self.target.url, self.target.source),
            )
            .with_hint("the host token is printed by `openwork serve` on start, or use the pairing file (no flags)"),
            (404, "approval_not_found") => {
                Failure::runtime("that approval was already answered, timed out, or never existed")
            }
            _ => Failure::runtime(format!(
                "the server answered {status}: {}",
                if message.is_empty() { code } else { &message }
            )),
        }
    }

    async fn get(&self, path: &str, host: bool) -> Result<reqwest::Response, Failure> {
        self.prove().await?;
        let mut req = self
            .http
            .get(self.url(path))
            .timeout(Duration::from_secs(15));
        if host {
            req = req.header("X-OpenWork-Host-Token", &self.target.host_token);
        } else if let Some(t) = &self.target.client_token {
            req = req
                .bearer_auth(t)
                .header("X-OpenWork-Client-Id", "openwork-approvals");
        }
        let resp = req.send().await.map_err(|e| self.unreachable(&e))?;
        if resp.status().is_success() {
            Ok(resp)
        } else {
            Err(self.failure(resp).await)
        }
    }

    pub async fn list(&self) -> Result<Vec<Value>, Failure> {
        let body: Value = self
            .get("/approvals", true)
            .await?
            .json()
            .await
            .map_err(|e| Failure::runtime(format!("the server's answer is not JSON: {e}")))?;
        Ok(body
            .get("items")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
    }

    /// `POST /approvals/:id`; the answer comes once an allowed write was
    /// applied (or failed to be): `{ok, allowed, written, notWritten?}`.
    pub async fn reply(&self, id: &str, allow: bool) -> Result<Value, Failure> {
        self.prove().await?;
        let resp = self
            .http
            .post(self.url(&format!(
                "/approvals/{}",
                percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC)
            )))
            .timeout(Duration::from_secs(60))
            .header("X-OpenWork-Host-Token", &self.target.host_token)
            .json(&json!({ "reply": if allow { "allow" } else { "deny" } }))
            .send()
            .await
            .map_err(|e| self.unreachable(&e))?;
        if !resp.status().is_success() {
            return Err(self.failure(resp).await);
        }
        Ok(match read_small(resp).await {
            Value::Null => json!({ "ok": true, "allowed": allow, "written": allow }),
            v => v,
        })
    }

    /// Names of the server's workspaces by id (best effort: needs the client
    /// token, which only the pairing file gives).
    pub async fn workspaces(&self) -> HashMap<String, WorkspaceName> {
        let mut out = HashMap::new();
        if self.target.client_token.is_none() {
            return out;
        }
        let Ok(resp) = self.get("/workspaces", false).await else {
            return out;
        };
        let Ok(body) = resp.json::<Value>().await else {
            return out;
        };
        for item in body
            .get("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(id), Some(name), Some(path)) = (
                item.get("id").and_then(Value::as_str),
                item.get("name").and_then(Value::as_str),
                item.get("path").and_then(Value::as_str),
            ) {
                out.insert(
                    id.to_string(),
                    WorkspaceName {
                        name: name.to_string(),
                        path: path.to_string(),
                    },
                );
            }
        }
        out
    }

    /// Opens the event stream (no overall timeout: it is meant to stay open).
    pub async fn events(&self) -> Result<reqwest::Response, Failure> {
        self.prove().await?;
        let resp = self
            .http
            .get(self.url("/approvals/events"))
            .header("X-OpenWork-Host-Token", &self.target.host_token)
            .header("Accept", "text/event-stream")
            .send()
            .await
            .map_err(|e| self.unreachable(&e))?;
        if resp.status().is_success() {
            Ok(resp)
        } else {
            Err(self.failure(resp).await)
        }
    }
}

/// A JSON answer of at most 1 MiB (`Null` when larger or not JSON): the
/// server may be anyone until it proved itself.
async fn read_small(resp: reqwest::Response) -> Value {
    const MAX: usize = 1024 * 1024;
    let mut body = Vec::new();
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return Value::Null;
        };
        if body.len() + chunk.len() > MAX {
            return Value::Null;
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).unwrap_or(Value::Null)
}
