//! The server config file: `$XDG_CONFIG_HOME/openwork/server.json` (else
//! `~/.config/openwork/server.json`), or the one `--config` names. One
//! serde type reads it for `openwork serve` and for `openwork approvals`,
//! which finds a server through it. Each key is optional, `null` counts
//! as absent, and a value of the wrong kind is an error that names the
//! key ("\"approval.mode\" in /path/server.json must be …").

use super::settings::{ApprovalMode, Invalid, WorkspaceSetting, path_from, values};
use crate::workspace::input::{NotAnObject, json_object};
use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

/// The keys of the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigFile {
    #[serde(default, deserialize_with = "text")]
    pub host: Option<String>,
    /// A number, or a string that holds one.
    #[serde(default, deserialize_with = "port")]
    pub port: Option<u16>,
    #[serde(default, deserialize_with = "text")]
    pub token: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub host_token: Option<String>,
    /// A file holding the client token, relative to this file's folder.
    #[serde(default, deserialize_with = "text")]
    token_file: Option<String>,
    /// A file holding the host token, relative to this file's folder.
    #[serde(default, deserialize_with = "text")]
    host_token_file: Option<String>,
    #[serde(default)]
    approval: Option<Object<Approval>>,
    /// Paths relative to the file's folder: see [`ConfigFile::workspaces`].
    #[serde(default)]
    workspaces: Option<List<WorkspaceEntry>>,
    /// A list of strings, or one string split on `,` or `;`.
    #[serde(default, deserialize_with = "origins")]
    pub cors_origins: Option<Vec<String>>,
    #[serde(default, deserialize_with = "boolean")]
    pub read_only: Option<bool>,
    /// A list of names, or one string split on `,` or `;`.
    #[serde(default, deserialize_with = "hosts")]
    pub allowed_hosts: Option<Vec<String>>,
    /// See [`ConfigFile::authorized_roots`].
    #[serde(default, deserialize_with = "folders")]
    authorized_roots: Option<Vec<String>>,
    /// The file that was read; `None` for the empty config of no file.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Approval {
    #[serde(default, deserialize_with = "mode")]
    mode: Option<ApprovalMode>,
    #[serde(default, deserialize_with = "timeout")]
    timeout_ms: Option<u64>,
}

/// `"path"` or `{"path", "name"?, "workspaceType"?, "baseUrl"?, "directory"?}`.
#[derive(Debug)]
enum WorkspaceEntry {
    Path(String),
    Object(WorkspaceObject),
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WorkspaceObject {
    #[serde(default, deserialize_with = "folder")]
    path: Option<String>,
    #[serde(default, deserialize_with = "text")]
    name: Option<String>,
    #[serde(default, deserialize_with = "workspace_type")]
    workspace_type: Option<String>,
    #[serde(default, deserialize_with = "text")]
    base_url: Option<String>,
    #[serde(default, deserialize_with = "text")]
    directory: Option<String>,
}

/// `$XDG_CONFIG_HOME/openwork/server.json` (when absolute), else
/// `~/.config/openwork/server.json`.
pub fn default_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let config = env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".config")))
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().join(".config")))?;
    Some(config.join("openwork").join("server.json"))
}

impl ConfigFile {
    /// Reads the file at `path`. A missing file is an error when it was
    /// asked for (`explicit`), else the empty config.
    // The server's own config file, read once at start: not a workspace
    // file, so not a read the memo has to know of.
    #[allow(clippy::disallowed_methods)]
    pub fn load(path: &Path, explicit: bool) -> Result<ConfigFile, String> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                return Ok(ConfigFile::default());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(format!("config file {} does not exist", path.display()));
            }
            Err(e) => return Err(format!("cannot read config file {}: {e}", path.display())),
        };
        let object = json_object(&bytes)
            .map(Value::Object)
            .map_err(|e| match e {
                NotAnObject::Syntax(e) => {
                    format!("config file {} does not parse: {e}", path.display())
                }
                NotAnObject::OtherValue => {
                    format!("config file {} must hold a JSON object", path.display())
                }
            })?;
        let mut file: ConfigFile = serde_path_to_error::deserialize(object).map_err(|e| {
            format!(
                "\"{}\" in {} {}",
                e.path(),
                path.display(),
                must_be(&e.inner().to_string())
            )
        })?;
        file.path = Some(path.to_path_buf());
        Ok(file)
    }

    /// Paths in the file are relative to its folder.
    fn path_of(&self, p: &str) -> PathBuf {
        let dir = self
            .path
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(Path::new(""));
        path_from(dir, Path::new(p))
    }

    /// `"tokenFile"`, when the file has it.
    pub fn token_file(&self) -> Option<PathBuf> {
        self.token_file.as_deref().map(|p| self.path_of(p))
    }

    /// `"hostTokenFile"`, when the file has it.
    pub fn host_token_file(&self) -> Option<PathBuf> {
        self.host_token_file.as_deref().map(|p| self.path_of(p))
    }

    pub fn approval_mode(&self) -> Option<ApprovalMode> {
        self.approval.as_ref()?.0.mode
    }

    pub fn approval_timeout_ms(&self) -> Option<u64> {
        self.approval.as_ref()?.0.timeout_ms
    }

    /// `"workspaces"`, when the file has it.
    pub fn workspaces(&self) -> Option<Vec<WorkspaceSetting>> {
        let entries = &self.workspaces.as_ref()?.0;
        Some(
            entries
                .iter()
                .map(|entry| match entry {
                    WorkspaceEntry::Path(p) => WorkspaceSetting::plain(self.path_of(p)),
                    WorkspaceEntry::Object(o) => WorkspaceSetting {
                        path: self.path_of(o.path.as_deref().unwrap_or_default()),
                        name: o.name.clone().filter(|n| !n.trim().is_empty()),
                        workspace_type: o.workspace_type.clone().unwrap_or_else(|| "local".into()),
                        base_url: o.base_url.clone(),
                        directory: o.directory.clone(),
                    },
                })
                .collect(),
        )
    }

    /// `"authorizedRoots"`, when the file has it.
    pub fn authorized_roots(&self) -> Option<Vec<PathBuf>> {
        let roots = self.authorized_roots.as_ref()?;
        Some(roots.iter().map(|r| self.path_of(r)).collect())
    }
}

/// serde's own type errors ("invalid type: …, expected X") in the words
/// of ours ("must be X").
fn must_be(message: &str) -> String {
    match message.split_once(", expected ") {
        Some((_, expected)) if message.starts_with("invalid type: ") => {
            format!("must be {expected}")
        }
        _ => message.to_string(),
    }
}

fn bad<E: de::Error>(expected: &str) -> E {
    E::custom(format!("must be {expected}"))
}

fn invalid<E: de::Error>(e: Invalid) -> E {
    E::custom(e)
}

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        _ => Err(bad("a string")),
    }
}

/// A whole number that `number` accepts, or a string that `parse` reads.
fn number_or_text<'de, D: Deserializer<'de>, T>(
    d: D,
    number: impl FnOnce(u64) -> Option<T>,
    parse: fn(&str) -> Result<T, Invalid>,
    expected: &str,
) -> Result<Option<T>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_u64()
            .and_then(number)
            .map(Some)
            .ok_or_else(|| bad(expected)),
        Value::String(s) => parse(&s).map(Some).map_err(invalid),
        _ => Err(bad(expected)),
    }
}

fn port<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
    let number = |n| u16::try_from(n).ok();
    number_or_text(d, number, values::port, "a number from 0 to 65535")
}

fn mode<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ApprovalMode>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) => values::approval_mode(&s).map(Some).map_err(invalid),
        _ => Err(bad("\"manual\" or \"auto\"")),
    }
}

fn timeout<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let number = |n| (n > 0).then_some(n);
    number_or_text(
        d,
        number,
        values::timeout_ms,
        "a positive number of milliseconds",
    )
}

fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(b)),
        _ => Err(bad("true or false")),
    }
}

fn origins<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(values::split_list(&s))),
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map(|s| s.trim().to_string()))
            .collect::<Option<Vec<_>>>()
            .map(Some)
            .ok_or_else(|| bad("a list of strings")),
        _ => Err(bad("a list of strings")),
    }
}

fn hosts<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    let Some(names) = origins(d)? else {
        return Ok(None);
    };
    values::hosts(&serde_json::to_string(&names).map_err(de::Error::custom)?)
        .map(Some)
        .map_err(invalid)
}

fn folders<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    const EXPECTED: &str = "a list of folder paths";
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .filter(|p| !p.trim().is_empty())
                    .map(str::to_string)
            })
            .collect::<Option<Vec<_>>>()
            .map(Some)
            .ok_or_else(|| bad(EXPECTED)),
        _ => Err(bad(EXPECTED)),
    }
}

fn folder<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) if !s.trim().is_empty() => Ok(Some(s)),
        _ => Err(bad("a folder path")),
    }
}

fn workspace_type<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match text(d)?.as_deref() {
        None => Ok(None),
        Some(t @ ("local" | "remote")) => Ok(Some(t.to_string())),
        Some(_) => Err(bad("\"local\" or \"remote\"")),
    }
}

/// A JSON object only (a derived struct would take a list too).
#[derive(Debug)]
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Object<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(Object)
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// A JSON array whose items keep their index in errors.
#[derive(Debug)]
struct List<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(List(items))
            }
        }
        d.deserialize_seq(V(PhantomData))
    }
}

impl<'de> Deserialize<'de> for WorkspaceEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WorkspaceEntry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a path or an object with \"path\"")
            }
            fn visit_str<E: de::Error>(self, p: &str) -> Result<Self::Value, E> {
                Ok(WorkspaceEntry::Path(p.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let object = WorkspaceObject::deserialize(MapAccessDeserializer::new(map))?;
                if object.path.is_none() {
                    return Err(bad("a path or an object with \"path\""));
                }
                Ok(WorkspaceEntry::Object(object))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<ConfigFile, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.json");
        std::fs::write(&path, text).unwrap();
        ConfigFile::load(&path, true).map_err(|e| e.replace(&path.display().to_string(), "F"))
    }

    #[test]
    fn every_key() {
        let f = load(
            r#"{"host":"0.0.0.0","port":"9000","token":"t","hostToken":"h",
                "approval":{"mode":"auto","timeoutMs":5},"readOnly":true,
                "corsOrigins":"https://a.example; https://b.example",
                "workspaces":["a",{"path":"b","name":" ","workspaceType":"remote","baseUrl":"u","directory":"d"}],
                "authorizedRoots":["."],"unknown":1}"#,
        )
        .unwrap();
        assert_eq!(f.host.as_deref(), Some("0.0.0.0"));
        assert_eq!(f.port, Some(9000));
        assert_eq!(
            (f.token.as_deref(), f.host_token.as_deref()),
            (Some("t"), Some("h"))
        );
        assert_eq!(f.approval_mode(), Some(ApprovalMode::Auto));
        assert_eq!(f.approval_timeout_ms(), Some(5));
        assert_eq!(f.read_only, Some(true));
        assert_eq!(
            f.cors_origins,
            Some(vec!["https://a.example".into(), "https://b.example".into()])
        );
        let dir = f.path.as_deref().unwrap().parent().unwrap();
        let ws = f.workspaces().unwrap();
        assert_eq!(ws[0], WorkspaceSetting::plain(dir.join("a")));
        assert_eq!(ws[1].path, dir.join("b"));
        assert_eq!(ws[1].name, None, "a blank name is none");
        assert_eq!(ws[1].workspace_type, "remote");
        assert_eq!(ws[1].base_url.as_deref(), Some("u"));
        assert_eq!(ws[1].directory.as_deref(), Some("d"));
        assert_eq!(f.authorized_roots(), Some(vec![dir.to_path_buf()]));
    }

    #[test]
    fn null_is_absent() {
        let f = load(r#"{"host":null,"port":null,"approval":{"mode":null},"workspaces":null}"#)
            .unwrap();
        assert_eq!(
            (f.host.as_deref(), f.port, f.approval_mode()),
            (None, None, None)
        );
        assert_eq!(f.workspaces(), None);
        assert_eq!(load("{}").unwrap().port, None);
    }

    #[test]
    fn bad_values_name_their_key() {
        for (text, message) in [
            (r#"{"host":5}"#, r#""host" in F must be a string"#),
            (
                r#"{"port":70000}"#,
                r#""port" in F must be a number from 0 to 65535"#,
            ),
            (
                r#"{"port":"x"}"#,
                r#""port" in F must be a port number from 0 to 65535, not "x""#,
            ),
            (
                r#"{"approval":"auto"}"#,
                r#""approval" in F must be an object"#,
            ),
            (r#"{"approval":[]}"#, r#""approval" in F must be an object"#),
            (
                r#"{"approval":{"mode":"later"}}"#,
                r#""approval.mode" in F must be "manual" or "auto", not "later""#,
            ),
            (
                r#"{"approval":{"timeoutMs":0}}"#,
                r#""approval.timeoutMs" in F must be a positive number of milliseconds"#,
            ),
            (
                r#"{"readOnly":"yes"}"#,
                r#""readOnly" in F must be true or false"#,
            ),
            (
                r#"{"corsOrigins":[1]}"#,
                r#""corsOrigins" in F must be a list of strings"#,
            ),
            (
                r#"{"workspaces":"a"}"#,
                r#""workspaces" in F must be a list"#,
            ),
            (
                r#"{"workspaces":["a",3]}"#,
                r#""workspaces[1]" in F must be a path or an object with "path""#,
            ),
            (
                r#"{"workspaces":[{"path":" "}]}"#,
                r#""workspaces[0].path" in F must be a folder path"#,
            ),
            (
                r#"{"workspaces":[{"path":"a","workspaceType":"cloud"}]}"#,
                r#""workspaces[0].workspaceType" in F must be "local" or "remote""#,
            ),
            (
                r#"{"authorizedRoots":[""]}"#,
                r#""authorizedRoots" in F must be a list of folder paths"#,
            ),
            ("[]", "config file F must hold a JSON object"),
        ] {
            assert_eq!(load(text).unwrap_err(), message, "{text}");
        }
        assert!(
            load("{ not json")
                .unwrap_err()
                .starts_with("config file F does not parse: ")
        );
    }

    #[test]
    fn a_missing_file_is_empty_unless_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.json");
        assert!(ConfigFile::load(&path, false).unwrap().path.is_none());
        assert!(
            ConfigFile::load(&path, true)
                .unwrap_err()
                .contains("does not exist")
        );
    }

    #[test]
    fn the_default_path() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            default_path(&env(&[("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")])),
            Some(PathBuf::from("/x/openwork/server.json"))
        );
        assert_eq!(
            default_path(&env(&[("XDG_CONFIG_HOME", "rel"), ("HOME", "/h")])),
            Some(PathBuf::from("/h/.config/openwork/server.json"))
        );
    }
}
