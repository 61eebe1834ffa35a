//! What a plugin spec may be, before one is added (docs/api.md#validation).
//!
//! OpenCode 1.18.33 takes any string at load time and fails only when it
//! installs the plugin, so the rule is what its installer resolves (npm's
//! package arguments), in the forms OpenCode documents:
//!
//! - a path: `./dir`, `../x.js`, `/abs/p.js`, `C:\p.js` (OpenCode loads
//!   any spec starting with `.` as a path, so a name never starts with one);
//! - a `file://` URL;
//! - an npm package: a name by npm's rules, then `@version`, `@tag` or
//!   `@range` (`@acme/tools@^1.2`), or `@` another spec (`npm:other@1`, a
//!   git or tarball URL);
//! - a git URL: `git+https://`, `git+ssh://` (also `git@host:path`), `git+http://`,
//!   `git+file://`, `git://`, or a host's short form `github:owner/repo`,
//!   `gitlab:…`, `bitbucket:…`, each with an optional `#ref`;
//! - an http(s) URL of a tarball.
//!
//! Never a word that starts with `-` (a flag that strayed into the list).

use super::scalars::web_url;
use url::Url;

/// npm's limit on a package name, scope included.
const NAME_MAX: usize = 214;

/// Characters npm leaves a name with when it encodes it as a URL
/// component (`encodeURIComponent`), less those npm no longer takes in
/// new names (`~'!()*`) and capitals.
fn name_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')
}

/// The kind of a spec that passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecKind {
    Path,
    FileUrl,
    Package,
    Git,
    Tarball,
}

/// Checks a trimmed spec; the error is the reason, for a message that
/// already names the spec.
pub fn check(spec: &str) -> Result<SpecKind, String> {
    if spec.starts_with('-') {
        return Err("it starts with '-', as a flag does: a spec never does".into());
    }
    if is_path(spec) {
        return Ok(SpecKind::Path);
    }
    if spec.starts_with('.') {
        return Err(format!(
            "a package name never starts with '.'; write ./{spec} for a path"
        ));
    }
    if let Some((scheme, _)) = spec.split_once(':')
        && !scheme.contains(['@', '/'])
    {
        return url_spec(spec, scheme);
    }
    package(spec)
}

/// `./x`, `../x`, `.`, `..`, `/x`, `\x`, `C:\x` or `C:/x`: what OpenCode
/// resolves as a path.
fn is_path(spec: &str) -> bool {
    let b = spec.as_bytes();
    spec == "."
        || spec == ".."
        || spec.starts_with("./")
        || spec.starts_with("../")
        || spec.starts_with(".\\")
        || spec.starts_with("..\\")
        || spec.starts_with('/')
        || spec.starts_with('\\')
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && (b[2] == b'\\' || b[2] == b'/'))
}

/// A spec with a scheme: `file:`, the git URLs, the hosts' short forms,
/// http(s) tarballs, `npm:` aliases.
fn url_spec(spec: &str, scheme: &str) -> Result<SpecKind, String> {
    if spec.chars().any(char::is_whitespace) {
        return Err("a URL has no spaces (write %20)".into());
    }
    match scheme {
        "file" => {
            let url = Url::parse(spec).map_err(|e| format!("not a file URL: {e}"))?;
            if url.path().is_empty() || url.path() == "/" {
                return Err("a file:// URL names a file or folder: file:///abs/path".into());
            }
            Ok(SpecKind::FileUrl)
        }
        "http" | "https" => {
            web_url(spec)?;
            Ok(SpecKind::Tarball)
        }
        "git" | "git+https" | "git+http" | "git+ssh" | "git+file" => {
            git_url(spec, scheme)?;
            Ok(SpecKind::Git)
        }
        "github" | "gitlab" | "bitbucket" => {
            hosted(&spec[scheme.len() + 1..])?;
            Ok(SpecKind::Git)
        }
        "npm" => match package(&spec[4..])? {
            SpecKind::Package => Ok(SpecKind::Package),
            _ => Err("npm: names a package: npm:name@version".into()),
        },
        other => Err(format!(
            "{other}: is not a kind of plugin spec OpenCode installs (file:, http(s):, git+https:, git+ssh:, github:, npm:)"
        )),
    }
}

/// A git URL: a host (but for `git+file`), and a path. The scp form of
/// ssh (`git+ssh://git@github.com:owner/repo.git`) is read as npm reads it.
fn git_url(spec: &str, scheme: &str) -> Result<(), String> {
    let rest = &spec[scheme.len() + 1..];
    let Some(after) = rest.strip_prefix("//") else {
        return Err(format!("write {scheme}://host/path"));
    };
    let parsed = Url::parse(spec).or_else(|_| {
        // `user@host:path`: the `:` after the host starts the path.
        let (authority, _) = after.split_once('/').unwrap_or((after, ""));
        match authority.rfind(':') {
            Some(at) if scheme == "git+ssh" => {
                let colon = scheme.len() + 3 + at;
                let mut fixed = spec.to_string();
                fixed.replace_range(colon..=colon, "/");
                Url::parse(&fixed)
            }
            _ => Url::parse(spec),
        }
    });
    let url = parsed.map_err(|e| format!("not a git URL: {e}"))?;
    if scheme != "git+file" && url.host_str().is_none_or(str::is_empty) {
        return Err("the git URL has no host".into());
    }
    if url.path().trim_matches('/').is_empty() {
        return Err("the git URL names no repository".into());
    }
    Ok(())
}

/// `owner/repo` with an optional `#ref`, after `github:` and friends.
fn hosted(rest: &str) -> Result<(), String> {
    let (repo, reference) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let part = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    match repo.split_once('/') {
        Some((owner, name)) if part(owner) && part(name) => {}
        _ => return Err("write github:owner/repo (and #ref for a branch, tag or commit)".into()),
    }
    if reference.is_some_and(str::is_empty) {
        return Err("nothing after '#': give a branch, tag or commit".into());
    }
    Ok(())
}

/// `name`, `@scope/name`, then `@` a version, tag, range or spec.
fn package(spec: &str) -> Result<SpecKind, String> {
    let split = if let Some(rest) = spec.strip_prefix('@') {
        rest.find('@').map(|i| i + 1)
    } else {
        spec.find('@')
    };
    let (name, version) = match split {
        Some(i) => (&spec[..i], Some(&spec[i + 1..])),
        None => (spec, None),
    };
    npm_name(name)?;
    match version {
        Some(version) => version_part(version),
        None => Ok(SpecKind::Package),
    }
}

/// npm's rules for a new package's name: 1–214 characters, lowercase,
/// URL-safe (letters, digits, `-`, `_`, `.`), not starting with `.` or
/// `_`; a scope is `@scope/` by the same rules.
pub fn npm_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the package name is empty".into());
    }
    if name.chars().count() > NAME_MAX {
        return Err(format!(
            "an npm package name is at most {NAME_MAX} characters"
        ));
    }
    let (scope, bare) = match name.strip_prefix('@') {
        Some(rest) => match rest.split_once('/') {
            Some((scope, bare)) => (Some(scope), bare),
            None => {
                return Err("a scoped name is @scope/name".into());
            }
        },
        None => (None, name),
    };
    if bare.contains('/') && scope.is_none() {
        return Err(
            "a name has no '/': write @scope/name for a scoped package, or github:owner/repo for a GitHub repository"
                .into(),
        );
    }
    for part in scope.into_iter().chain([bare]) {
        if part.is_empty() {
            return Err("a scoped name is @scope/name".into());
        }
        if part.starts_with(['.', '_']) {
            return Err("an npm package name never starts with '.' or '_'".into());
        }
        if part.chars().any(|c| c.is_ascii_uppercase()) {
            return Err("npm package names are lowercase".into());
        }
        if part.chars().any(char::is_whitespace) {
            return Err("an npm package name has no spaces".into());
        }
        if let Some(c) = part.chars().find(|c| !name_char(*c)) {
            return Err(format!(
                "an npm package name holds only lowercase letters, digits, '-', '_' and '.', not {c:?}"
            ));
        }
    }
    if matches!(name, "node_modules" | "favicon.ico") {
        return Err(format!("{name} is not a package name npm allows"));
    }
    Ok(())
}

/// What follows `name@`: a version, a range (`^1.2`, `>=1 <2`), a tag
/// (URL-safe), or another spec with a scheme (`npm:`, git, a tarball),
/// whose kind the whole spec takes.
fn version_part(version: &str) -> Result<SpecKind, String> {
    if version.is_empty() {
        return Err("nothing after '@': give a version, tag or range".into());
    }
    if let Some((scheme, _)) = version.split_once(':')
        && !scheme.is_empty()
        && scheme.chars().all(|c| c.is_ascii_lowercase() || c == '+')
    {
        return url_spec(version, scheme);
    }
    let range = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '.' | '-' | '+' | '^' | '~' | '<' | '>' | '=' | '|' | '*' | ' '
            )
    };
    if version.chars().all(range) {
        return Ok(SpecKind::Package);
    }
    Err(format!(
        "{version:?} is not a version, tag or range (1.2.3, ^1.2, latest)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_opencode_installs_are_accepted() {
        for (spec, kind) in [
            ("opencode-wakatime", SpecKind::Package),
            ("@acme/tools", SpecKind::Package),
            ("@acme/tools@1.2", SpecKind::Package),
            ("@acme/tools@^1.2.0", SpecKind::Package),
            ("x@>=1.2 <2", SpecKind::Package),
            ("x@1 || 2", SpecKind::Package),
            ("x@latest", SpecKind::Package),
            ("x@next-2", SpecKind::Package),
            ("a.b_c-d", SpecKind::Package),
            ("alias@npm:real@1", SpecKind::Package),
            ("x@github:owner/repo", SpecKind::Git),
            ("npm:real@2", SpecKind::Package),
            ("./local", SpecKind::Path),
            ("../up/p.js", SpecKind::Path),
            ("/opt/my plugin/p.js", SpecKind::Path),
            ("C:\\p\\x.js", SpecKind::Path),
            ("file:///opt/p.js", SpecKind::FileUrl),
            ("git+https://github.com/a/b.git", SpecKind::Git),
            ("git+https://github.com/a/b.git#v1.2", SpecKind::Git),
            ("git+ssh://git@github.com/a/b.git", SpecKind::Git),
            ("git+ssh://git@github.com:a/b.git#semver:^1", SpecKind::Git),
            ("git://github.com/a/b.git", SpecKind::Git),
            ("git+file:///srv/repo.git", SpecKind::Git),
            ("github:owner/repo", SpecKind::Git),
            ("github:owner/repo#main", SpecKind::Git),
            ("gitlab:grp/proj", SpecKind::Git),
            ("https://example.com/p-1.0.0.tgz", SpecKind::Tarball),
            ("http://127.0.0.1:8080/p.tgz", SpecKind::Tarball),
        ] {
            assert_eq!(check(spec), Ok(kind), "{spec}");
        }
        assert!(npm_name(&"a".repeat(214)).is_ok());
    }

    #[test]
    fn what_npm_would_refuse_is_refused_with_a_reason() {
        for (spec, reason) in [
            ("has space", "no spaces"),
            ("--force", "starts with '-'"),
            ("-x", "starts with '-'"),
            ("Upper", "lowercase"),
            ("@Acme/tools", "lowercase"),
            (".hidden", "./.hidden"),
            ("_under", "'.' or '_'"),
            ("@acme/_x", "'.' or '_'"),
            ("a#b", "not '#'"),
            ("a?b", "not '?'"),
            ("ä", "not 'ä'"),
            ("x!", "not '!'"),
            ("node_modules", "not a package name"),
            ("owner/repo", "github:owner/repo"),
            ("@acme", "@scope/name"),
            ("@/x", "@scope/name"),
            ("x@", "nothing after '@'"),
            ("x@1.2;rm", "not a version"),
            ("x@a b!", "not a version"),
            ("ftp://h/p.tgz", "ftp: is not"),
            ("https://", "not a URL"),
            ("https://h/a b.tgz", "no spaces"),
            ("git+https://", "no host"),
            ("git+ssh:host/x", "git+ssh://host/path"),
            ("git+https://h", "no repository"),
            ("github:owner", "owner/repo"),
            ("github:o/r#", "nothing after '#'"),
            ("github:o w/r", "no spaces"),
            ("file://", "file"),
            ("file:///", "names a file"),
            ("npm:./x", "has no '/'"),
        ] {
            let got = check(spec).expect_err(spec);
            assert!(got.contains(reason), "{spec}: {got}");
        }
        assert!(npm_name(&"a".repeat(215)).unwrap_err().contains("214"));
    }
}
