//! Strictly typed reading of JSON payloads (docs/api.md#hostile-input): each field has one
//! JSON type and nothing is coerced. Shared by the server's request bodies,
//! import documents and the CLI's JSON arguments.

use crate::{Code, Error, Result};
use serde_json::{Map, Value};

/// The body must be a JSON object.
pub(crate) fn object(value: &Value) -> Result<&Map<String, Value>> {
    value
        .as_object()
        .ok_or_else(|| Error::new(Code::InvalidJson, "body must be a JSON object"))
}

/// Parses text as a JSON object (for `--opencode '{…}'`, `add-json`, import files).
pub fn parse_object(text: &str, what: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::new(
            Code::InvalidJson,
            format!("{what} must be a JSON object"),
        )),
        Err(e) => Err(Error::new(
            Code::InvalidJson,
            format!("{what} is not valid JSON: {e}"),
        )),
    }
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
