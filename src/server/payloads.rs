//! Request bodies and path segments, from bytes to typed input
//! (docs/api.md#hostile-input):
//! pure functions, so that what the handlers parse is exactly what the
//! property tests (`tests/it/fuzz_payloads.rs`) and the fuzz targets (`fuzz/`)
//! throw random bytes at.

use crate::workspace::commands::CommandInput;
use crate::workspace::input::{Fields, NotAnObject, json_object};
use crate::workspace::transfer::{self, ImportDoc};
use crate::{Code, Error, Result};
use serde_json::{Map, Value};

/// A body as a JSON object: anything else is `400 invalid_json`.
pub fn object(bytes: &[u8]) -> Result<Map<String, Value>> {
    json_object(bytes).map_err(|e| {
        let message = match e {
            NotAnObject::Syntax(e) => format!("Invalid JSON body: {e}"),
            NotAnObject::OtherValue => "body must be a JSON object".to_string(),
        };
        Error::new(Code::InvalidJson, message)
    })
}

/// Decodes a percent-encoded path segment strictly: a `%` must be followed
/// by two hex digits and the result must be UTF-8 (`+` stays `+`).
pub fn segment(raw: &str) -> Result<String> {
    let bad = || Error::new(Code::InvalidPath, "malformed percent-encoding in the path");
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or_else(bad)?;
            let hex = std::str::from_utf8(hex).map_err(|_| bad())?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad());
            }
            out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad())
}

/// `PATCH /workspace/:id/config`: `{opencode?, openwork?}`, at least one.
pub type ConfigPatch = (Option<Map<String, Value>>, Option<Map<String, Value>>);

pub fn config_patch(obj: &Map<String, Value>) -> Result<ConfigPatch> {
    let f = Fields(obj);
    let opencode = f.object("opencode", Code::InvalidPayload)?.cloned();
    let openwork = f.object("openwork", Code::InvalidPayload)?.cloned();
    if opencode.is_none() && openwork.is_none() {
        return Err(Error::new(
            Code::InvalidPayload,
            "opencode or openwork updates required",
        ));
    }
    Ok((opencode, openwork))
}

/// `POST /workspace/:id/plugins`: `{spec}`.
pub fn plugin(obj: &Map<String, Value>) -> Result<String> {
    Ok(Fields(obj)
        .required_str("spec", Code::InvalidPluginSpec)?
        .to_string())
}

/// `POST /workspace/:id/skills`: `{name, content, description?}`.
pub struct SkillBody {
    pub name: String,
    pub content: String,
    pub description: Option<String>,
}

pub fn skill(obj: &Map<String, Value>) -> Result<SkillBody> {
    let f = Fields(obj);
    Ok(SkillBody {
        name: f
            .required_str("name", Code::InvalidSkillName)?
            .trim()
            .to_string(),
        content: f
            .required_str("content", Code::InvalidSkillContent)?
            .to_string(),
        description: f
            .str("description", Code::InvalidPayload)?
            .filter(|d| !d.is_empty())
            .map(str::to_string),
    })
}

/// `POST /workspace/:id/mcp`: `{name, config}`.
pub fn mcp(obj: &Map<String, Value>) -> Result<(String, Value)> {
    let name = Fields(obj)
        .required_str("name", Code::InvalidMcpName)?
        .to_string();
    match obj.get("config") {
        None | Some(Value::Null) => Err(Error::new(Code::InvalidPayload, "MCP config is required")),
        Some(c) => Ok((name, c.clone())),
    }
}

/// `POST /workspace/:id/commands`.
pub fn command(obj: &Map<String, Value>) -> Result<CommandInput> {
    CommandInput::from_json(obj)
}

/// `POST /workspace/:id/import`.
pub fn import(obj: &Map<String, Value>) -> Result<ImportDoc> {
    transfer::parse_import(obj)
}

/// `POST /approvals/:id`: `{reply: "allow"|"deny"}`; `true` for allow.
pub fn reply(obj: &Map<String, Value>) -> Result<bool> {
    match Fields(obj).required_str("reply", Code::InvalidPayload)? {
        "allow" => Ok(true),
        "deny" => Ok(false),
        _ => Err(Error::new(
            Code::InvalidPayload,
            "\"reply\" must be \"allow\" or \"deny\"",
        )),
    }
}

/// `{nonce}` of `POST /approvals/handshake`: hex, 32 to 128 digits.
pub fn nonce(obj: &Map<String, Value>) -> Result<String> {
    let nonce = Fields(obj).required_str("nonce", Code::InvalidPayload)?;
    if !super::handshake::valid_nonce(nonce) {
        return Err(Error::new(
            Code::InvalidPayload,
            "\"nonce\" must be 32 to 128 hex digits",
        ));
    }
    Ok(nonce.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_decode_strictly() {
        assert_eq!(segment("%40scope%2Fname").unwrap(), "@scope/name");
        assert_eq!(segment("a+b").unwrap(), "a+b");
        assert_eq!(segment("caf%C3%A9").unwrap(), "café");
        for bad in ["%ZZ", "%ff", "%", "%4", "a%2", "%C3", "%+1", "%-1"] {
            assert_eq!(segment(bad).unwrap_err().code, Code::InvalidPath, "{bad}");
        }
    }

    #[test]
    fn bodies_are_objects() {
        assert!(object(b"{}").unwrap().is_empty());
        for bad in [&b""[..], b"null", b"[]", b"1", b"\"x\"", b"{", b"{} x"] {
            assert_eq!(object(bad).unwrap_err().code, Code::InvalidJson);
        }
    }
}
