//! Server settings (SPEC §3): each one from, highest first, a command-line
//! flag, an environment variable, the config file, a default. Bad input is
//! an error with one clear line (the CLI exits 2), never a silent fallback.
// The server's config file and the check that each configured workspace
// folder exists happen once, at start, outside any workspace's reads.
#![allow(clippy::disallowed_methods)]

use crate::workspace::absolute;
use serde_json::{Map, Value};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const DEFAULT_HOST: &str = "127.0.0.1";
pub const DEFAULT_PORT: u16 = 8787;
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// Request bodies above this are refused with `413 payload_too_large`.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Pending approvals above this are refused with `429 too_many_pending`.
pub const MAX_PENDING: usize = 256;

/// What the command line gave (`None`/empty: not given).
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub config: Option<PathBuf>,
    pub host: Option<String>,
    pub port: Option<String>,
    pub token: Option<String>,
    pub host_token: Option<String>,
    pub approval: Option<String>,
    pub approval_timeout: Option<String>,
    pub workspaces: Vec<PathBuf>,
    /// Each value may itself be a comma list.
    pub cors: Vec<String>,
    pub read_only: bool,
    pub opencode_base_url: Option<String>,
    pub opencode_directory: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalMode {
    Manual,
    Auto,
}

impl ApprovalMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalMode::Manual => "manual",
            ApprovalMode::Auto => "auto",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSetting {
    /// Absolute and lexically normal.
    pub path: PathBuf,
    pub name: Option<String>,
    /// `local` or `remote`.
    pub workspace_type: String,
    pub base_url: Option<String>,
    pub directory: Option<String>,
}

/// A token, and whether this run generated it (then it is printed once).
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    pub value: String,
    pub generated: bool,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token(<redacted>, generated: {})", self.generated)
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    pub client_token: Token,
    pub host_token: Token,
    pub approval: ApprovalMode,
    pub approval_timeout: Duration,
    pub workspaces: Vec<WorkspaceSetting>,
    /// Allowed CORS origins; `*` allows any.
    pub cors_origins: Vec<String>,
    pub read_only: bool,
    /// A workspace must be one of these folders or inside one.
    pub authorized_roots: Vec<PathBuf>,
    /// The config file that was read, if any.
    pub config_file: Option<PathBuf>,
    pub body_limit: usize,
    pub max_pending: usize,
}

/// A setting that cannot be used; its message is one line for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError(pub String);

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SettingsError {}

fn err<T>(msg: impl Into<String>) -> Result<T, SettingsError> {
    Err(SettingsError(msg.into()))
}

/// Resolves the settings from the process environment and current folder.
pub fn resolve(flags: &Flags) -> Result<Settings, SettingsError> {
    let cwd = std::env::current_dir()
        .map_err(|e| SettingsError(format!("cannot read the current folder: {e}")))?;
    resolve_with(flags, &|k| std::env::var(k).ok(), &cwd)
}

/// [`resolve`] with the environment and current folder given, for tests.
pub fn resolve_with(
    flags: &Flags,
    env: &dyn Fn(&str) -> Option<String>,
    cwd: &Path,
) -> Result<Settings, SettingsError> {
    // An empty variable counts as unset, as shells make it easy to leave one so.
    let env = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    let file = ConfigFile::load(flags, &env, cwd)?;

    let host = match flags.host.clone().or_else(|| env("OPENWORK_HOST")) {
        Some(h) => h,
        None => file.str("host")?.unwrap_or_else(|| DEFAULT_HOST.into()),
    };
    let host = host.trim().to_string();
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return err(format!("invalid host {host:?}"));
    }

    let port = match (&flags.port, env("OPENWORK_PORT")) {
        (Some(p), _) => parse_port(p, "--port")?,
        (None, Some(p)) => parse_port(&p, "OPENWORK_PORT")?,
        (None, None) => match file.get("port") {
            None => DEFAULT_PORT,
            Some(Value::Number(n)) => n
                .as_u64()
                .and_then(|n| u16::try_from(n).ok())
                .ok_or_else(|| SettingsError(file.bad("port", "a number from 0 to 65535")))?,
            Some(Value::String(s)) => parse_port(s, &file.key_label("port"))?,
            Some(_) => return err(file.bad("port", "a number from 0 to 65535")),
        },
    };

    let client_token = token(
        flags.token.clone(),
        env("OPENWORK_TOKEN"),
        file.str("token")?,
        "client token",
    )?;
    let host_token = token(
        flags.host_token.clone(),
        env("OPENWORK_HOST_TOKEN"),
        file.str("hostToken")?,
        "host token",
    )?;
    if client_token.value == host_token.value {
        return err("the client token and the host token must differ");
    }

    let approval_file = file.object("approval")?;
    let approval = match (&flags.approval, env("OPENWORK_APPROVAL_MODE")) {
        (Some(m), _) => parse_mode(m, "--approval")?,
        (None, Some(m)) => parse_mode(&m, "OPENWORK_APPROVAL_MODE")?,
        (None, None) => match approval_file.as_ref().and_then(|a| a.get("mode")) {
            None | Some(Value::Null) => ApprovalMode::Manual,
            Some(Value::String(m)) => parse_mode(m, &file.key_label("approval.mode"))?,
            Some(_) => return err(file.bad("approval.mode", "\"manual\" or \"auto\"")),
        },
    };
    let timeout_ms = match (&flags.approval_timeout, env("OPENWORK_APPROVAL_TIMEOUT_MS")) {
        (Some(t), _) => parse_timeout(t, "--approval-timeout")?,
        (None, Some(t)) => parse_timeout(&t, "OPENWORK_APPROVAL_TIMEOUT_MS")?,
        (None, None) => match approval_file.as_ref().and_then(|a| a.get("timeoutMs")) {
            None | Some(Value::Null) => DEFAULT_TIMEOUT_MS,
            Some(Value::Number(n)) => n.as_u64().filter(|n| *n > 0).ok_or_else(|| {
                SettingsError(file.bad("approval.timeoutMs", "a positive number of milliseconds"))
            })?,
            Some(Value::String(s)) => parse_timeout(s, &file.key_label("approval.timeoutMs"))?,
            Some(_) => {
                return err(file.bad("approval.timeoutMs", "a positive number of milliseconds"));
            }
        },
    };

    let mut workspaces = if !flags.workspaces.is_empty() {
        flags
            .workspaces
            .iter()
            .map(|p| plain_workspace(&join(cwd, p)))
            .collect::<Result<Vec<_>, _>>()?
    } else if let Some(list) = env("OPENWORK_WORKSPACES") {
        workspaces_from_env(&list, cwd)?
    } else {
        file.workspaces()?
    };
    if let Some(first) = workspaces.first_mut() {
        if let Some(url) = flags
            .opencode_base_url
            .clone()
            .or_else(|| env("OPENWORK_OPENCODE_BASE_URL"))
        {
            first.base_url = Some(url);
        }
        if let Some(dir) = flags
            .opencode_directory
            .clone()
            .or_else(|| env("OPENWORK_OPENCODE_DIRECTORY"))
        {
            first.directory = Some(dir);
        }
    }
    let mut seen = Vec::new();
    workspaces.retain(|w| {
        let new = !seen.contains(&w.path);
        seen.push(w.path.clone());
        new
    });
    for w in &workspaces {
        match std::fs::metadata(&w.path) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return err(format!("workspace {} is not a folder", w.path.display())),
            Err(_) => {
                return err(format!(
                    "workspace folder {} does not exist",
                    w.path.display()
                ));
            }
        }
    }

    let cors_origins = if !flags.cors.is_empty() {
        split_list(&flags.cors.join(","))
    } else if let Some(list) = env("OPENWORK_CORS_ORIGINS") {
        parse_list(&list, "OPENWORK_CORS_ORIGINS")?
    } else {
        match file.get("corsOrigins") {
            None => vec!["*".to_string()],
            Some(Value::String(s)) => split_list(s),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(|s| s.trim().to_string())
                        .ok_or_else(|| SettingsError(file.bad("corsOrigins", "a list of strings")))
                })
                .collect::<Result<Vec<_>, _>>()?,
            Some(_) => return err(file.bad("corsOrigins", "a list of strings")),
        }
    };

    let read_only = if flags.read_only {
        true
    } else if let Some(v) = env("OPENWORK_READONLY") {
        parse_bool(&v, "OPENWORK_READONLY")?
    } else {
        match file.get("readOnly") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return err(file.bad("readOnly", "true or false")),
        }
    };

    let authorized_roots = match file.get("authorizedRoots") {
        None => workspaces.iter().map(|w| w.path.clone()).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v.as_str() {
                Some(p) if !p.trim().is_empty() => Ok(file.path(p)),
                _ => err(file.bad("authorizedRoots", "a list of folder paths")),
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return err(file.bad("authorizedRoots", "a list of folder paths")),
    };

    Ok(Settings {
        host,
        port,
        client_token,
        host_token,
        approval,
        approval_timeout: Duration::from_millis(timeout_ms),
        workspaces,
        cors_origins,
        read_only,
        authorized_roots,
        config_file: file.path.clone(),
        body_limit: BODY_LIMIT,
        max_pending: MAX_PENDING,
    })
}

impl Settings {
    /// Whether `path` is one of the authorized roots or inside one, once
    /// symbolic links are resolved on both sides: a workspace that is a
    /// link to a folder outside every root is not authorized, whatever its
    /// path says. A path that cannot be resolved (gone) is not authorized.
    pub fn is_authorized(&self, path: &Path) -> bool {
        // Recorded lookups: the answer is kept while the paths resolve alike.
        use crate::workspace::io::canonicalize;
        let Ok(real) = canonicalize(path) else {
            return false;
        };
        self.authorized_roots
            .iter()
            .filter_map(|r| canonicalize(r).ok())
            .any(|r| real.starts_with(r))
    }
}

/// The server config file, or an empty one when there is none.
struct ConfigFile {
    path: Option<PathBuf>,
    dir: PathBuf,
    map: Map<String, Value>,
}

impl ConfigFile {
    fn load(
        flags: &Flags,
        env: &dyn Fn(&str) -> Option<String>,
        cwd: &Path,
    ) -> Result<ConfigFile, SettingsError> {
        let (path, explicit) = match flags
            .config
            .clone()
            .or_else(|| env("OPENWORK_SERVER_CONFIG").map(PathBuf::from))
        {
            Some(p) => (join(cwd, &p), true),
            None => match default_config_path(env) {
                Some(p) => (p, false),
                None => {
                    return Ok(ConfigFile {
                        path: None,
                        dir: cwd.to_path_buf(),
                        map: Map::new(),
                    });
                }
            },
        };
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| cwd.to_path_buf());
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                return Ok(ConfigFile {
                    path: None,
                    dir,
                    map: Map::new(),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return err(format!("config file {} does not exist", path.display()));
            }
            Err(e) => return err(format!("cannot read config file {}: {e}", path.display())),
        };
        let map = match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(m)) => m,
            Ok(_) => {
                return err(format!(
                    "config file {} must hold a JSON object",
                    path.display()
                ));
            }
            Err(e) => {
                return err(format!(
                    "config file {} does not parse: {e}",
                    path.display()
                ));
            }
        };
        Ok(ConfigFile {
            path: Some(path),
            dir,
            map,
        })
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn key_label(&self, key: &str) -> String {
        match &self.path {
            Some(p) => format!("\"{key}\" in {}", p.display()),
            None => format!("\"{key}\""),
        }
    }

    fn bad(&self, key: &str, expected: &str) -> String {
        format!("{} must be {expected}", self.key_label(key))
    }

    fn str(&self, key: &str) -> Result<Option<String>, SettingsError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => err(self.bad(key, "a string")),
        }
    }

    fn object(&self, key: &str) -> Result<Option<&Map<String, Value>>, SettingsError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => err(self.bad(key, "an object")),
        }
    }

    /// A path from the file: relative to the file's folder.
    fn path(&self, p: &str) -> PathBuf {
        join(&self.dir, Path::new(p))
    }

    fn workspaces(&self) -> Result<Vec<WorkspaceSetting>, SettingsError> {
        let items = match self.get("workspaces") {
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(_) => return err(self.bad("workspaces", "a list")),
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let label = format!("workspaces[{i}]");
            match item {
                Value::String(p) => out.push(plain_workspace(&self.path(p))?),
                Value::Object(obj) => {
                    let text = |key: &str| -> Result<Option<String>, SettingsError> {
                        match obj.get(key) {
                            None | Some(Value::Null) => Ok(None),
                            Some(Value::String(s)) => Ok(Some(s.clone())),
                            Some(_) => err(self.bad(&format!("{label}.{key}"), "a string")),
                        }
                    };
                    let Some(path) = text("path")?.filter(|p| !p.trim().is_empty()) else {
                        return err(self.bad(&format!("{label}.path"), "a folder path"));
                    };
                    let workspace_type = match text("workspaceType")?.as_deref() {
                        None | Some("local") => "local".to_string(),
                        Some("remote") => "remote".to_string(),
                        Some(_) => {
                            return err(self.bad(
                                &format!("{label}.workspaceType"),
                                "\"local\" or \"remote\"",
                            ));
                        }
                    };
                    out.push(WorkspaceSetting {
                        path: self.path(&path),
                        name: text("name")?.filter(|n| !n.trim().is_empty()),
                        workspace_type,
                        base_url: text("baseUrl")?,
                        directory: text("directory")?,
                    });
                }
                _ => return err(self.bad(&label, "a path or an object with \"path\"")),
            }
        }
        Ok(out)
    }
}

/// `$XDG_CONFIG_HOME/openwork/server.json`, else `~/.config/openwork/server.json`.
pub fn default_config_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let config = env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".config")))
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().join(".config")))?;
    Some(config.join("openwork").join("server.json"))
}

fn join(base: &Path, p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    };
    absolute(&joined).unwrap_or(joined)
}

fn plain_workspace(path: &Path) -> Result<WorkspaceSetting, SettingsError> {
    if path.as_os_str().is_empty() {
        return err("a workspace path is empty");
    }
    Ok(WorkspaceSetting {
        path: path.to_path_buf(),
        name: None,
        workspace_type: "local".into(),
        base_url: None,
        directory: None,
    })
}

fn workspaces_from_env(list: &str, cwd: &Path) -> Result<Vec<WorkspaceSetting>, SettingsError> {
    parse_list(list, "OPENWORK_WORKSPACES")?
        .iter()
        .map(|p| plain_workspace(&join(cwd, Path::new(p))))
        .collect()
}

/// A JSON array of strings when the value starts with `[`, else a list
/// split on `,` or `;`.
fn parse_list(value: &str, what: &str) -> Result<Vec<String>, SettingsError> {
    let trimmed = value.trim();
    if trimmed.starts_with('[') {
        match serde_json::from_str::<Vec<String>>(trimmed) {
            Ok(items) => Ok(items
                .into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()),
            Err(e) => err(format!("{what} is not a JSON array of strings: {e}")),
        }
    } else {
        Ok(split_list(trimmed))
    }
}

fn split_list(value: &str) -> Vec<String> {
    value
        .split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_port(value: &str, what: &str) -> Result<u16, SettingsError> {
    value.trim().parse::<u16>().map_err(|_| {
        SettingsError(format!(
            "{what} must be a port number from 0 to 65535, not {value:?}"
        ))
    })
}

fn parse_mode(value: &str, what: &str) -> Result<ApprovalMode, SettingsError> {
    match value.trim() {
        "manual" => Ok(ApprovalMode::Manual),
        "auto" => Ok(ApprovalMode::Auto),
        _ => err(format!(
            "{what} must be \"manual\" or \"auto\", not {value:?}"
        )),
    }
}

fn parse_timeout(value: &str, what: &str) -> Result<u64, SettingsError> {
    match value.trim().parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => err(format!(
            "{what} must be a positive number of milliseconds, not {value:?}"
        )),
    }
}

fn parse_bool(value: &str, what: &str) -> Result<bool, SettingsError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => err(format!("{what} must be true or false, not {value:?}")),
    }
}

fn token(
    flag: Option<String>,
    env: Option<String>,
    file: Option<String>,
    what: &str,
) -> Result<Token, SettingsError> {
    match flag.or(env).or(file) {
        Some(value) => {
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_graphic()) {
                return err(format!("the {what} must be printable ASCII without spaces"));
            }
            Ok(Token {
                value,
                generated: false,
            })
        }
        None => Ok(Token {
            value: generate_token()
                .map_err(|e| SettingsError(format!("cannot generate the {what}: {e}")))?,
            generated: true,
        }),
    }
}

/// 256 bits from the operating system's random source, as hex.
pub fn generate_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Env(HashMap<&'static str, String>);

    impl Env {
        fn new(pairs: &[(&'static str, &str)]) -> Env {
            Env(pairs.iter().map(|(k, v)| (*k, v.to_string())).collect())
        }
        fn get(&self, k: &str) -> Option<String> {
            self.0.get(k).cloned()
        }
    }

    fn run(flags: &Flags, env: &Env, cwd: &Path) -> Result<Settings, SettingsError> {
        resolve_with(flags, &|k| env.get(k), cwd)
    }

    fn home() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    #[test]
    fn defaults() {
        let h = home();
        let env = Env::new(&[("HOME", h.path().to_str().unwrap())]);
        let s = run(&Flags::default(), &env, h.path()).unwrap();
        assert_eq!(s.host, "127.0.0.1");
        assert_eq!(s.port, 8787);
        assert_eq!(s.approval, ApprovalMode::Manual);
        assert_eq!(s.approval_timeout, Duration::from_millis(30_000));
        assert_eq!(s.cors_origins, vec!["*"]);
        assert!(!s.read_only);
        assert!(s.workspaces.is_empty());
        assert!(s.client_token.generated && s.host_token.generated);
        assert_eq!(s.client_token.value.len(), 64);
        assert_ne!(s.client_token.value, s.host_token.value);
        assert!(s.config_file.is_none());
    }

    #[test]
    fn flag_beats_env_beats_file() {
        let h = home();
        let cfg_dir = h.path().join(".config/openwork");
        std::fs::create_dir_all(&cfg_dir).unwrap();
        std::fs::write(
            cfg_dir.join("server.json"),
            r#"{"host":"0.0.0.0","port":9000,"token":"filetok","hostToken":"filehost",
                "approval":{"mode":"auto","timeoutMs":5},"readOnly":true,
                "corsOrigins":["https://a.example"]}"#,
        )
        .unwrap();
        let home_s = h.path().to_str().unwrap();
        let file_only = run(&Flags::default(), &Env::new(&[("HOME", home_s)]), h.path()).unwrap();
        assert_eq!(file_only.host, "0.0.0.0");
        assert_eq!(file_only.port, 9000);
        assert_eq!(file_only.client_token.value, "filetok");
        assert!(!file_only.client_token.generated);
        assert_eq!(file_only.approval, ApprovalMode::Auto);
        assert_eq!(file_only.approval_timeout, Duration::from_millis(5));
        assert!(file_only.read_only);
        assert_eq!(file_only.cors_origins, vec!["https://a.example"]);

        let env = Env::new(&[
            ("HOME", home_s),
            ("OPENWORK_PORT", "9001"),
            ("OPENWORK_TOKEN", "envtok"),
            ("OPENWORK_APPROVAL_MODE", "manual"),
            ("OPENWORK_READONLY", "no"),
            (
                "OPENWORK_CORS_ORIGINS",
                "https://b.example, https://c.example",
            ),
        ]);
        let from_env = run(&Flags::default(), &env, h.path()).unwrap();
        assert_eq!(from_env.port, 9001);
        assert_eq!(from_env.client_token.value, "envtok");
        assert_eq!(from_env.approval, ApprovalMode::Manual);
        assert!(!from_env.read_only);
        assert_eq!(
            from_env.cors_origins,
            vec!["https://b.example", "https://c.example"]
        );

        let flags = Flags {
            port: Some("0".into()),
            token: Some("flagtok".into()),
            approval: Some("auto".into()),
            read_only: true,
            cors: vec![
                "https://d.example,https://e.example".into(),
                "https://f.example".into(),
            ],
            ..Flags::default()
        };
        let from_flags = run(&flags, &env, h.path()).unwrap();
        assert_eq!(from_flags.port, 0);
        assert_eq!(from_flags.client_token.value, "flagtok");
        assert_eq!(from_flags.approval, ApprovalMode::Auto);
        assert!(from_flags.read_only);
        assert_eq!(
            from_flags.cors_origins,
            vec![
                "https://d.example",
                "https://e.example",
                "https://f.example"
            ]
        );
    }

    #[test]
    fn workspaces_from_each_source() {
        let h = home();
        let a = h.path().join("a");
        let b = h.path().join("b");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let home_s = h.path().to_str().unwrap();
        // Flags: relative to the current folder, repeatable, duplicates folded.
        let flags = Flags {
            workspaces: vec!["a".into(), "./b/".into(), "a/../a".into()],
            opencode_base_url: Some("http://127.0.0.1:4096".into()),
            ..Flags::default()
        };
        let s = run(&flags, &Env::new(&[("HOME", home_s)]), h.path()).unwrap();
        let paths: Vec<_> = s.workspaces.iter().map(|w| w.path.clone()).collect();
        assert_eq!(paths, vec![a.clone(), b.clone()]);
        assert_eq!(
            s.workspaces[0].base_url.as_deref(),
            Some("http://127.0.0.1:4096")
        );
        assert_eq!(s.workspaces[1].base_url, None);
        assert_eq!(s.authorized_roots, vec![a.clone(), b.clone()]);

        // Env: JSON array or `,`/`;` list.
        for list in [r#"["a","b"]"#, "a;b", " a , b "] {
            let env = Env::new(&[("HOME", home_s), ("OPENWORK_WORKSPACES", list)]);
            let s = run(&Flags::default(), &env, h.path()).unwrap();
            assert_eq!(s.workspaces.len(), 2, "{list}");
        }

        // File: relative to the file's folder, with names and roots.
        let cfg = h.path().join("cfg");
        std::fs::create_dir_all(&cfg).unwrap();
        std::fs::write(
            cfg.join("server.json"),
            r#"{"workspaces":[{"path":"../a","name":"Alpha","baseUrl":"http://x"},"../b"],
                "authorizedRoots":[".."]}"#,
        )
        .unwrap();
        let flags = Flags {
            config: Some("cfg/server.json".into()),
            ..Flags::default()
        };
        let s = run(&flags, &Env::new(&[("HOME", home_s)]), h.path()).unwrap();
        assert_eq!(s.workspaces[0].path, a);
        assert_eq!(s.workspaces[0].name.as_deref(), Some("Alpha"));
        assert_eq!(s.workspaces[0].base_url.as_deref(), Some("http://x"));
        assert_eq!(s.workspaces[1].path, b);
        assert_eq!(s.authorized_roots, vec![h.path().to_path_buf()]);
        assert!(s.is_authorized(&a));
        assert!(!s.is_authorized(Path::new("/elsewhere")));
        // Links are resolved: a link inside a root to a folder outside it
        // is outside; a link to a root is that root.
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            let link = h.path().join("link");
            std::os::unix::fs::symlink(outside.path(), &link).unwrap();
            assert!(!s.is_authorized(&link));
            assert!(!s.is_authorized(&link.join(".")));
            let via = outside.path().join("to-home");
            std::os::unix::fs::symlink(h.path(), &via).unwrap();
            assert!(s.is_authorized(&via.join("a")));
        }
    }

    #[test]
    fn bad_settings_are_errors() {
        let h = home();
        let home_s = h.path().to_str().unwrap();
        let env = Env::new(&[("HOME", home_s)]);
        let bad = |flags: Flags, env: &Env| run(&flags, env, h.path()).unwrap_err().0;

        assert!(
            bad(
                Flags {
                    port: Some("http".into()),
                    ..Flags::default()
                },
                &env
            )
            .contains("port")
        );
        assert!(
            bad(
                Flags {
                    port: Some("70000".into()),
                    ..Flags::default()
                },
                &env
            )
            .contains("port")
        );
        assert!(
            bad(
                Flags {
                    approval: Some("sometimes".into()),
                    ..Flags::default()
                },
                &env
            )
            .contains("manual")
        );
        assert!(
            bad(
                Flags {
                    approval_timeout: Some("soon".into()),
                    ..Flags::default()
                },
                &env
            )
            .contains("milliseconds")
        );
        assert!(
            bad(
                Flags {
                    workspaces: vec!["missing".into()],
                    ..Flags::default()
                },
                &env
            )
            .contains("does not exist")
        );
        assert!(
            bad(
                Flags {
                    config: Some("nope.json".into()),
                    ..Flags::default()
                },
                &env
            )
            .contains("does not exist")
        );
        assert!(
            bad(
                Flags {
                    token: Some("has space".into()),
                    ..Flags::default()
                },
                &env
            )
            .contains("token")
        );
        assert!(
            bad(
                Flags {
                    token: Some("same".into()),
                    host_token: Some("same".into()),
                    ..Flags::default()
                },
                &env
            )
            .contains("differ")
        );
        let env_port = Env::new(&[("HOME", home_s), ("OPENWORK_PORT", "eighty")]);
        assert!(bad(Flags::default(), &env_port).contains("OPENWORK_PORT"));
        let env_ro = Env::new(&[("HOME", home_s), ("OPENWORK_READONLY", "maybe")]);
        assert!(bad(Flags::default(), &env_ro).contains("OPENWORK_READONLY"));

        // A default config file that exists but does not parse.
        let cfg_dir = h.path().join(".config/openwork");
        std::fs::create_dir_all(&cfg_dir).unwrap();
        std::fs::write(cfg_dir.join("server.json"), "{ not json").unwrap();
        assert!(bad(Flags::default(), &env).contains("does not parse"));
        std::fs::write(cfg_dir.join("server.json"), r#"{"port":"x"}"#).unwrap();
        assert!(bad(Flags::default(), &env).contains("port"));
        std::fs::write(cfg_dir.join("server.json"), r#"{"approval":{"mode":"x"}}"#).unwrap();
        assert!(bad(Flags::default(), &env).contains("manual"));
        // XDG_CONFIG_HOME is honoured: this one has no file, so all is fine.
        let xdg = h.path().join("xdg");
        let env_xdg = Env::new(&[("HOME", home_s), ("XDG_CONFIG_HOME", xdg.to_str().unwrap())]);
        assert!(run(&Flags::default(), &env_xdg, h.path()).is_ok());
    }

    #[test]
    fn empty_env_values_count_as_unset() {
        let h = home();
        let env = Env::new(&[
            ("HOME", h.path().to_str().unwrap()),
            ("OPENWORK_PORT", ""),
            ("OPENWORK_TOKEN", " "),
        ]);
        let s = run(&Flags::default(), &env, h.path()).unwrap();
        assert_eq!(s.port, 8787);
        assert!(s.client_token.generated);
    }

    #[test]
    fn tokens_are_random_and_long() {
        let a = generate_token().unwrap();
        let b = generate_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    }
}
