//! Authentication (docs/api.md#auth): the client's bearer token and the host's
//! `X-OpenWork-Host-Token`. Tokens are compared in constant time (through
//! their SHA-256 digests, so not even their length leaks), and a header
//! that is duplicated or malformed never authenticates.

use crate::workspace::Actor;
use crate::{Code, Error};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use warp::http::HeaderMap;
use warp::http::header::AUTHORIZATION;

pub const HOST_TOKEN_HEADER: &str = "x-openwork-host-token";
pub const CLIENT_ID_HEADER: &str = "x-openwork-client-id";
/// Client ids end up in the audit log; keep them short and printable.
const CLIENT_ID_MAX: usize = 128;

/// The two secrets, kept only as digests.
pub struct Tokens {
    client: [u8; 32],
    host: [u8; 32],
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl Tokens {
    pub fn new(client: &str, host: &str) -> Tokens {
        Tokens {
            client: digest(client),
            host: digest(host),
        }
    }

    fn is_client(&self, token: &str) -> bool {
        digest(token).ct_eq(&self.client).into()
    }

    fn is_host(&self, token: &str) -> bool {
        digest(token).ct_eq(&self.host).into()
    }

    /// The handshake's proof that this server holds the host token
    /// ([`super::handshake`]), keyed with its digest.
    pub fn host_proof(&self, nonce: &str, port: u16) -> String {
        super::handshake::proof(&self.host, nonce, port)
    }

    /// `Authorization: Bearer <client token>` (+ optional client id).
    pub fn client(&self, headers: &HeaderMap) -> Result<Actor, Error> {
        let deny = || Error::new(Code::Unauthorized, "Invalid bearer token");
        let value = single(headers, AUTHORIZATION.as_str())
            .map_err(|_| deny())?
            .ok_or_else(deny)?;
        let token = bearer(value).ok_or_else(deny)?;
        if !self.is_client(token) {
            return Err(deny());
        }
        let client_id = match single(headers, CLIENT_ID_HEADER) {
            Ok(None) => None,
            Ok(Some(id)) if !id.is_empty() && id.len() <= CLIENT_ID_MAX => Some(id.to_string()),
            _ => {
                return Err(Error::new(
                    Code::Unauthorized,
                    "Invalid X-OpenWork-Client-Id header",
                ));
            }
        };
        Ok(Actor::remote(token, client_id))
    }

    /// `X-OpenWork-Host-Token: <host token>`.
    pub fn host(&self, headers: &HeaderMap) -> Result<Actor, Error> {
        let deny = || Error::new(Code::Unauthorized, "Invalid host token");
        let token = single(headers, HOST_TOKEN_HEADER)
            .map_err(|_| deny())?
            .ok_or_else(deny)?;
        if !self.is_host(token) {
            return Err(deny());
        }
        Ok(Actor::host(token))
    }
}

/// A header that is repeated or not printable text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

/// The one value of a header: `Ok(None)` when absent, `Err` when it is
/// repeated or not printable ASCII.
pub fn single<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, Malformed> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(Malformed);
    }
    let text = first.to_str().map_err(|_| Malformed)?;
    if text.chars().any(|c| c.is_control()) {
        return Err(Malformed);
    }
    Ok(Some(text.trim()))
}

/// The token of `Bearer <token>` (scheme in any case, one or more spaces).
pub fn bearer(value: &str) -> Option<&str> {
    let (scheme, rest) = value.split_at_checked(6)?;
    if !scheme.eq_ignore_ascii_case("bearer") || !rest.starts_with([' ', '\t']) {
        return None;
    }
    let token = rest.trim_matches([' ', '\t']);
    (!token.is_empty() && !token.contains([' ', '\t'])).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use warp::http::HeaderValue;

    fn headers(pairs: &[(&str, &[u8])]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                warp::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_bytes(v).unwrap(),
            );
        }
        h
    }

    /// Tokens are compared with `subtle`'s constant-time equality on their
    /// SHA-256 digests, never with `==` on the text, so neither a token's
    /// content nor its length shows in the time a check takes. (Timing
    /// cannot be asserted reliably in a test; the construction can.)
    #[test]
    fn tokens_are_compared_in_constant_time() {
        let src = include_str!("auth.rs");
        assert!(src.contains("use subtle::ConstantTimeEq;"));
        for f in ["is_client", "is_host"] {
            let start = src.find(&format!("fn {f}(")).expect("fn");
            let body = &src[start..start + src[start..].find("\n    }\n").expect("end")];
            assert!(body.contains("digest(token).ct_eq("), "{body}");
            assert!(!body.contains("=="), "{body}");
        }
        // Only the two digests are kept, whatever the tokens' lengths.
        assert_eq!(size_of::<Tokens>(), 64);
        let t = Tokens::new("a", &"b".repeat(10_000));
        assert!(t.is_client("a") && t.is_host(&"b".repeat(10_000)));
        assert!(!t.is_client("") && !t.is_client("aa") && !t.is_host("b"));
    }

    #[test]
    fn bearer_parsing() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer   abc"), Some("abc"));
        assert_eq!(bearer("BEARER\tabc "), Some("abc"));
        assert_eq!(bearer("Bearer"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("Bearerabc"), None);
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer a b"), None);
        assert_eq!(bearer("abc"), None);
        assert_eq!(bearer("Beäre abc"), None);
    }

    #[test]
    fn client_auth() {
        let t = Tokens::new("client-secret", "host-secret");
        let ok = t
            .client(&headers(&[("authorization", b"Bearer client-secret")]))
            .unwrap();
        assert_eq!(ok.kind, "remote");
        assert_eq!(ok.client_id, None);
        assert_eq!(
            ok.token_hash.as_deref(),
            Some(crate::workspace::audit::token_hash("client-secret").as_str())
        );
        let with_id = t
            .client(&headers(&[
                ("authorization", b"bearer client-secret"),
                ("x-openwork-client-id", b"phone-1"),
            ]))
            .unwrap();
        assert_eq!(with_id.client_id.as_deref(), Some("phone-1"));

        for bad in [
            headers(&[]),
            headers(&[("authorization", b"Bearer wrong")]),
            headers(&[("authorization", b"Bearer host-secret")]),
            headers(&[("authorization", b"client-secret")]),
            headers(&[
                ("authorization", b"Bearer client-secret"),
                ("authorization", b"Bearer client-secret"),
            ]),
            headers(&[("authorization", b"Bearer client-secret\xff")]),
            headers(&[("x-openwork-host-token", b"host-secret")]),
            headers(&[
                ("authorization", b"Bearer client-secret"),
                ("x-openwork-client-id", b"a"),
                ("x-openwork-client-id", b"b"),
            ]),
        ] {
            let e = t.client(&bad).unwrap_err();
            assert_eq!(e.code, Code::Unauthorized, "{bad:?}");
        }
    }

    #[test]
    fn host_auth() {
        let t = Tokens::new("client-secret", "host-secret");
        let ok = t
            .host(&headers(&[("x-openwork-host-token", b"host-secret")]))
            .unwrap();
        assert_eq!(ok.kind, "host");
        for bad in [
            headers(&[]),
            headers(&[("x-openwork-host-token", b"client-secret")]),
            headers(&[("authorization", b"Bearer host-secret")]),
            headers(&[
                ("x-openwork-host-token", b"host-secret"),
                ("x-openwork-host-token", b"host-secret"),
            ]),
            headers(&[("x-openwork-host-token", b"host-\tsecret")]),
        ] {
            assert_eq!(t.host(&bad).unwrap_err().code, Code::Unauthorized);
        }
    }
}
