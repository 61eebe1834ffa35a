//! Which `Host` values name this server (docs/api.md#allowed-hosts). A
//! page on another site whose name resolves to 127.0.0.1 (DNS rebinding)
//! reaches a loopback server with the browser's requests, but they carry
//! that site's name in `Host`: any request whose `Host` is not one of
//! these is `421 host_not_allowed`, before routing or authentication.

use std::net::{IpAddr, SocketAddr};
use warp::http::uri::Authority;

/// The names this server answers to.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    /// `host` or `host:port`, lower case; IPv6 addresses in brackets.
    exact: Vec<(String, Option<u16>)>,
    /// `*` was given: every `Host` is accepted.
    any: bool,
}

/// An IP address as it appears in a `Host` value.
fn host_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

impl AllowedHosts {
    /// Loopback names and addresses with the port `bound` listens on, the
    /// bound address itself when it is not a wildcard, and the `extra`
    /// names of the settings (`name` for any port, `name:port` for one,
    /// `*` for any name).
    pub fn new(bound: SocketAddr, extra: &[String]) -> AllowedHosts {
        let port = bound.port();
        let mut exact: Vec<(String, Option<u16>)> = ["localhost", "127.0.0.1", "[::1]"]
            .iter()
            .map(|h| (h.to_string(), Some(port)))
            .collect();
        if !bound.ip().is_unspecified() {
            exact.push((host_of(bound.ip()), Some(port)));
        }
        let mut any = false;
        for name in extra {
            if name.trim() == "*" {
                any = true;
            } else if let Ok(a) = name.trim().parse::<Authority>() {
                exact.push((a.host().to_ascii_lowercase(), a.port_u16()));
            }
        }
        AllowedHosts { exact, any }
    }

    /// Whether a request whose `Host` (or absolute URI) is `authority` is
    /// for this server. `None` (no `Host` at all) is not.
    pub fn allows(&self, authority: Option<&Authority>) -> bool {
        if self.any {
            return true;
        }
        let Some(authority) = authority else {
            return false;
        };
        if authority.as_str().contains('@') {
            return false;
        }
        let host = authority.host().to_ascii_lowercase();
        // No port in `Host` means the scheme's: 80 for the plain HTTP we speak.
        let port = authority.port_u16().unwrap_or(80);
        self.exact
            .iter()
            .any(|(name, want)| *name == host && want.is_none_or(|p| p == port))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(hosts: &AllowedHosts, value: &str) -> bool {
        hosts.allows(value.parse::<Authority>().ok().as_ref())
    }

    #[test]
    fn loopback_and_bound_names_with_the_port_and_the_configured_ones() {
        let loopback = AllowedHosts::new("127.0.0.1:8787".parse().unwrap(), &[]);
        for ok in [
            "127.0.0.1:8787",
            "localhost:8787",
            "LOCALHOST:8787",
            "[::1]:8787",
        ] {
            assert!(allows(&loopback, ok), "{ok}");
        }
        for bad in [
            "evil.example:8787",
            "evil.example",
            "localhost",
            "localhost:80",
            "127.0.0.1:8788",
            "127.0.0.2:8787",
            "localhost.evil.example:8787",
            "user@localhost:8787",
            "0.0.0.0:8787",
        ] {
            assert!(!allows(&loopback, bad), "{bad}");
        }
        assert!(!loopback.allows(None), "no Host at all");

        // A wildcard bind adds no address; a specific one adds itself.
        let wildcard = AllowedHosts::new("0.0.0.0:9000".parse().unwrap(), &[]);
        assert!(!allows(&wildcard, "0.0.0.0:9000"));
        assert!(allows(&wildcard, "localhost:9000"));
        let lan = AllowedHosts::new("192.168.1.5:9000".parse().unwrap(), &[]);
        assert!(allows(&lan, "192.168.1.5:9000"));
        let v6 = AllowedHosts::new("[fe80::1]:9000".parse().unwrap(), &[]);
        assert!(allows(&v6, "[fe80::1]:9000"));
        // Port 80: a Host without a port names it.
        let eighty = AllowedHosts::new("127.0.0.1:80".parse().unwrap(), &[]);
        assert!(allows(&eighty, "localhost"));

        let named = AllowedHosts::new(
            "127.0.0.1:8787".parse().unwrap(),
            &["openwork.example".into(), "box.lan:8443".into()],
        );
        assert!(allows(&named, "openwork.example"));
        assert!(allows(&named, "OpenWork.example:443"));
        assert!(allows(&named, "box.lan:8443"));
        assert!(!allows(&named, "box.lan:8787"));
        assert!(!allows(&named, "box.lan"));
        let any = AllowedHosts::new("127.0.0.1:8787".parse().unwrap(), &["*".into()]);
        assert!(allows(&any, "whatever.example") && any.allows(None));
    }
}
