//! Strictly typed reading of JSON payloads (docs/api.md#hostile-input): each field has one
//! JSON type and nothing is coerced. Shared by the server's request bodies,
//! import documents and the CLI's JSON arguments.

use crate::{Code, Error, Result};
use serde_json::{Map, Value};

/// Why bytes are not one JSON object; each caller words it for its input.
#[derive(Debug)]
pub(crate) enum NotAnObject {
    /// Not JSON at all: serde's message says what and where.
    Syntax(serde_json::Error),
    /// JSON, but an array, a string, a number, a boolean or `null`.
    OtherValue,
}

/// Parses bytes as one JSON object: request bodies, the CLI's JSON
/// arguments, import documents, `.opencode/openwork.json`, the server's
/// config file.
pub(crate) fn json_object(bytes: &[u8]) -> std::result::Result<Map<String, Value>, NotAnObject> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(NotAnObject::OtherValue),
        Err(e) => Err(NotAnObject::Syntax(e)),
    }
}

/// Parses text as a JSON object (for `--opencode '{…}'`, `add-json`, import files).
pub fn parse_object(text: &str, what: &str) -> Result<Map<String, Value>> {
    json_object(text.as_bytes()).map_err(|e| {
        let message = match e {
            NotAnObject::Syntax(e) => format!("{what} is not valid JSON: {e}"),
            NotAnObject::OtherValue => format!("{what} must be a JSON object"),
        };
        Error::new(Code::InvalidJson, message)
    })
}

/// Typed access to an object's fields; `null` reads as absent.
pub(crate) struct Fields<'a>(pub &'a Map<String, Value>);

impl<'a> Fields<'a> {
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    pub(crate) fn str(&self, key: &str, code: Code) -> Result<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(Error::new(code, format!("\"{key}\" must be a string"))),
        }
    }

    pub(crate) fn required_str(&self, key: &str, code: Code) -> Result<&'a str> {
        self.str(key, code)?
            .ok_or_else(|| Error::new(code, format!("\"{key}\" is required")))
    }

    pub(crate) fn bool(&self, key: &str, code: Code) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(Error::new(code, format!("\"{key}\" must be a boolean"))),
        }
    }

    pub(crate) fn object(&self, key: &str, code: Code) -> Result<Option<&'a Map<String, Value>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => Err(Error::new(code, format!("\"{key}\" must be an object"))),
        }
    }

    pub(crate) fn array(&self, key: &str, code: Code) -> Result<Option<&'a Vec<Value>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(_) => Err(Error::new(code, format!("\"{key}\" must be an array"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{NotAnObject, json_object};

    #[test]
    fn only_an_object_is_an_object() {
        assert_eq!(json_object(b" {\"a\": 1} ").unwrap().len(), 1);
        for other in [&b"[]"[..], b"null", b"1", b"\"x\"", b"true"] {
            assert!(matches!(json_object(other), Err(NotAnObject::OtherValue)));
        }
        for bad in [&b""[..], b"{", b"{} x", b"{\"a\": \"\xff\"}"] {
            assert!(matches!(json_object(bad), Err(NotAnObject::Syntax(_))));
        }
    }
}
