//! The approvals handshake (docs/api.md#handshake): before `openwork
//! approvals` sends the host token anywhere, the server must prove that
//! it holds it. The client sends a fresh random nonce to `POST
//! /approvals/handshake` (no auth); the server answers
//! `HMAC-SHA256(key, "openwork-approvals-handshake-v1\n<nonce>\n<port>")`
//! where the key is the SHA-256 digest of the host token (what the server
//! keeps; it never keeps the token itself) and the port is the one the
//! server listens on. A listener that does not hold the token cannot
//! answer; one that relays the nonce to the real server on another port
//! gets a proof for that other port, which the client refuses.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

const CONTEXT: &str = "openwork-approvals-handshake-v1";
/// A nonce is hex, this many digits at least (128 bits) and at most.
pub const NONCE_MIN: usize = 32;
pub const NONCE_MAX: usize = 128;

/// Whether `nonce` is one the server answers: hex, 32 to 128 digits.
pub fn valid_nonce(nonce: &str) -> bool {
    (NONCE_MIN..=NONCE_MAX).contains(&nonce.len()) && nonce.bytes().all(|b| b.is_ascii_hexdigit())
}

fn mac(key_digest: &[u8; 32], nonce: &str, port: u16) -> HmacSha256 {
    // HMAC takes a key of any length: this never fails.
    let mut mac = match HmacSha256::new_from_slice(key_digest) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC accepts any key length"),
    };
    mac.update(format!("{CONTEXT}\n{nonce}\n{port}").as_bytes());
    mac
}

/// The server's proof, as lowercase hex, from the host token's digest.
pub fn proof(host_digest: &[u8; 32], nonce: &str, port: u16) -> String {
    hex(&mac(host_digest, nonce, port).finalize().into_bytes())
}

/// The client's check of a proof, in constant time.
pub fn verify(host_token: &str, nonce: &str, port: u16, proof_hex: &str) -> bool {
    let Some(proof) = unhex(proof_hex) else {
        return false;
    };
    let digest: [u8; 32] = Sha256::digest(host_token.as_bytes()).into();
    mac(&digest, nonce, port).verify_slice(&proof).is_ok()
}

/// A fresh nonce: 256 bits from the operating system's random source.
pub fn new_nonce() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_token_holder_on_that_port_proves_it() {
        let token = "host-token-0123456789abcdef";
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let nonce = new_nonce().unwrap();
        assert!(valid_nonce(&nonce));
        let p = proof(&digest, &nonce, 8787);
        assert!(verify(token, &nonce, 8787, &p));
        assert!(!verify(token, &nonce, 8788, &p), "another port");
        assert!(!verify("another-token-0123456789", &nonce, 8787, &p));
        assert!(
            !verify(token, &new_nonce().unwrap(), 8787, &p),
            "another nonce"
        );
        for bad in ["", "zz", &p[..62], &format!("{p}00")] {
            assert!(!verify(token, &nonce, 8787, bad), "{bad}");
        }
        for bad in ["", "abc", &"g".repeat(32), &"a".repeat(129)] {
            assert!(!valid_nonce(bad), "{bad}");
        }
    }
}
