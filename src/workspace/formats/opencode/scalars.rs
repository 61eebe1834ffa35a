//! The value types the 1.18.33 binary checks beyond the SDK's TypeScript
//! types, and the rule that a present key never holds `null`.

use serde::de::{self, Deserialize, Deserializer};

/// For `Option` fields (with `#[serde(default)]`): a key that is present
/// must hold a `T` — `null` is refused, as OpenCode refuses it, instead of
/// reading as absent.
pub(super) fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// An `http://` or `https://` URL with a host (a remote MCP server's
/// `url`, a plugin's tarball); the error is the reason, for a message
/// that names the field.
pub(crate) fn web_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "must be an http:// or https:// URL, not {}:",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the URL has no host".into());
    }
    Ok(url)
}

/// An integer within `min..=max`, as OpenCode's `Int` checks: `5.0` is an
/// integer, `1.5` is not.
fn integer_in<'de, D: Deserializer<'de>>(d: D, min: f64, max: f64) -> Result<f64, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    let value = n.as_f64().unwrap_or(f64::NAN);
    if value.fract() != 0.0 || !value.is_finite() {
        return Err(de::Error::custom(format!("expected an integer, got {n}")));
    }
    if value < min || value > max {
        return Err(de::Error::custom(if max == f64::MAX {
            format!("expected a value greater than {}, got {n}", min - 1.0)
        } else {
            format!("expected a value between {min} and {max}, got {n}")
        }));
    }
    Ok(value)
}

/// An integer greater than 0 (`timeout`, `server.port`, `tool_output.*`).
#[derive(Debug)]
pub(super) struct PositiveInt;

impl<'de> Deserialize<'de> for PositiveInt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        integer_in(d, 1.0, f64::MAX).map(|_| PositiveInt)
    }
}

/// An integer of 0 or more (`subagent_depth`).
#[derive(Debug)]
pub(super) struct NaturalInt;

impl<'de> Deserialize<'de> for NaturalInt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        integer_in(d, 0.0, f64::MAX).map(|_| NaturalInt)
    }
}

/// A TCP port, 1..=65535 (`oauth.callbackPort`).
#[derive(Debug)]
pub(super) struct Port;

impl<'de> Deserialize<'de> for Port {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        integer_in(d, 1.0, 65535.0).map(|_| Port)
    }
}

/// One exact string (`"notify"` of `autoupdate`).
macro_rules! literal {
    ($name:ident, $text:literal) => {
        #[derive(Debug)]
        pub(super) struct $name;
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                if s == $text {
                    Ok($name)
                } else {
                    Err(serde::de::Error::custom(format!(
                        "expected {:?}, got {s:?}",
                        $text
                    )))
                }
            }
        }
    };
}
pub(super) use literal;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn positive(v: serde_json::Value) -> Result<(), String> {
        PositiveInt::deserialize(&v)
            .map(drop)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn integers_as_opencode_checks_them() {
        assert!(positive(json!(1)).is_ok());
        assert!(positive(json!(5.0)).is_ok());
        assert_eq!(
            positive(json!(-5)).unwrap_err(),
            "expected a value greater than 0, got -5"
        );
        assert_eq!(
            positive(json!(0)).unwrap_err(),
            "expected a value greater than 0, got 0"
        );
        assert_eq!(
            positive(json!(1.5)).unwrap_err(),
            "expected an integer, got 1.5"
        );
        assert!(positive(json!("5")).is_err());
        assert!(positive(json!(null)).is_err());
        assert!(Port::deserialize(&json!(65535)).is_ok());
        assert_eq!(
            Port::deserialize(&json!(70000)).unwrap_err().to_string(),
            "expected a value between 1 and 65535, got 70000"
        );
        assert!(NaturalInt::deserialize(&json!(0)).is_ok());
    }
}
