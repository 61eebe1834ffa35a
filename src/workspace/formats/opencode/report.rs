//! A serde error as the one line people read: where (`mcp.db.timeout`),
//! then why, and for a key OpenCode would drop, what was probably meant.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes `value` (found at `at`, such as `mcp.db`) as `T`. A failure
/// names the field; an unknown key gets `hint(key)` when it has one.
pub(super) fn decode<T: DeserializeOwned>(
    value: &Value,
    at: &str,
    hint: impl Fn(&str) -> Option<String>,
) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = e.inner().to_string();
        let path = e.path().to_string();
        let place = match (at.is_empty(), path == "." || path.is_empty()) {
            (_, true) => at.to_string(),
            (true, false) => path,
            (false, false) => format!("{at}.{path}"),
        };
        match unknown_key(&inner) {
            Some(key) => {
                // The place names the object, not the key again.
                let place = match place.strip_suffix(key) {
                    Some("") => "",
                    Some(p) => p.strip_suffix('.').unwrap_or(&place),
                    None => &place,
                };
                unknown(place, key, hint(key))
            }
            None if place.is_empty() => plain(&inner),
            None => format!("{place}: {}", plain(&inner)),
        }
    })
}

/// The line for a key OpenCode does not know (and would drop silently).
pub(super) fn unknown(place: &str, key: &str, hint: Option<String>) -> String {
    let mut line = format!("{key:?} is not an OpenCode field (OpenCode would ignore it)");
    if !place.is_empty() {
        line = format!("{place}: {line}");
    }
    if let Some(hint) = hint {
        line.push_str("; ");
        line.push_str(&hint);
    }
    line
}

/// serde's message with JSON's quotes: numbers bare, names quoted.
fn plain(message: &str) -> String {
    let mut out = message.to_string();
    for kind in ["integer `", "floating point `"] {
        while let Some(at) = out.find(kind) {
            let start = at + kind.len();
            let Some(len) = out[start..].find('`') else {
                break;
            };
            let number = out[start..start + len].to_string();
            out.replace_range(
                at..start + len + 1,
                &format!("{} {number}", &kind[..kind.len() - 2]),
            );
        }
    }
    out.replace('`', "\"")
}

/// `env` out of serde's "unknown field `env`, expected one of …".
fn unknown_key(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split_once('`').map(|(key, _)| key)
}

/// The candidate closest to `word` when it is a near miss (at most two
/// edits, or one for short words): for "did you mean" hints.
pub(super) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = if word.len() <= 4 { 1 } else { 2 };
    candidates
        .iter()
        .map(|c| (distance(word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance with adjacent transpositions counted as one edit
/// (`modle` is one edit from `model`); the words are short.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses() {
        assert_eq!(closest("loca", &["local", "remote"]), Some("local"));
        assert_eq!(closest("remtoe", &["local", "remote"]), Some("remote"));
        assert_eq!(closest("stdio", &["local", "remote"]), None);
        assert_eq!(closest("modle", &["model", "mode"]), Some("model"));
    }
}
