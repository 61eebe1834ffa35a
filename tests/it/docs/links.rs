//! Every reference points at something in the repository: the code's
//! comments cite the project's own documents (never one outside it), and
//! every relative link of the documents resolves, anchor included.

use super::{pages, root as repo};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The folders (and files) of code, tests and scripts whose comments must
/// cite only what the repository holds.
const CODE: [&str; 11] = [
    "src",
    "tests",
    "benches",
    "examples",
    "crates",
    "fuzz",
    "scripts",
    "bench",
    "build.rs",
    "Cargo.toml",
    "clippy.toml",
];

/// The documents whose links are checked.
fn documents() -> Vec<PathBuf> {
    let mut docs = vec![
        repo().join("README.md"),
        repo().join("ARCHITECTURE.md"),
        repo().join("bench/results.md"),
    ];
    docs.extend(pages());
    docs
}

/// Every file under `rel` (or `rel` itself), build output left out, with
/// its path relative to the repository.
fn files_under(rel: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![repo().join(rel)];
    while let Some(p) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if meta.is_dir() {
            if p.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            for e in std::fs::read_dir(&p).expect("read_dir") {
                stack.push(e.expect("entry").path());
            }
        } else if meta.is_file() {
            let name = p
                .strip_prefix(repo())
                .expect("inside")
                .display()
                .to_string();
            out.push((name, std::fs::read(&p).expect("read")));
        }
    }
    out.sort();
    out
}

/// A heading's anchor as GitHub makes it: lower case, spaces as hyphens,
/// every other character but letters, digits, `-` and `_` dropped.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The lines of a Markdown text outside fenced code blocks, numbered from 1.
fn prose(text: &str) -> Vec<(usize, &str)> {
    let mut fenced = false;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            out.push((i + 1, line));
        }
    }
    out
}

/// The anchors of a Markdown file's headings (a repeated heading's
/// second anchor gets `-1`, as on GitHub).
fn anchors(path: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut seen = BTreeSet::new();
    for (_, line) in prose(&text) {
        let level = line.chars().take_while(|&c| c == '#').count();
        if level == 0 || !line[level..].starts_with(' ') {
            continue;
        }
        let base = slug(&line[level..]);
        let mut anchor = base.clone();
        let mut n = 0;
        while seen.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        seen.insert(anchor);
    }
    seen
}

/// Why `target` (a path from the repository's root, with an optional
/// `#anchor`) does not resolve, if it does not.
fn unresolved(target: &str) -> Option<String> {
    let (file, anchor) = match target.split_once('#') {
        Some((f, a)) => (f, Some(a)),
        None => (target, None),
    };
    let path = repo().join(file);
    if !path.exists() {
        return Some(format!("{file} does not exist"));
    }
    let anchor = anchor?;
    if path.extension().is_some_and(|x| x == "md") && !anchors(&path).contains(anchor) {
        return Some(format!("{file} has no heading with the anchor #{anchor}"));
    }
    None
}

/// Removes `inline code` from a line of prose.
fn without_code_spans(line: &str) -> String {
    line.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}

#[test]
fn the_code_cites_no_document_outside_the_repository() {
    // Spelled in pieces, so that this file does not match itself.
    let banned = [
        ["SPEC", " §"].concat(),
        ["SPEC", ".md"].concat(),
        ["the original", " server"].concat(),
    ];
    let mut found = Vec::new();
    for dir in CODE {
        for (name, bytes) in files_under(dir) {
            let text = String::from_utf8_lossy(&bytes);
            for (i, line) in text.lines().enumerate() {
                for b in &banned {
                    if line.contains(b.as_str()) {
                        found.push(format!("{name}:{}: {}", i + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "cite docs/api.md, docs/guarantees.md or ARCHITECTURE.md instead, or say the thing itself:\n{}",
        found.join("\n")
    );
}

/// `docs/api.md#errors`, `ARCHITECTURE.md`, … named in the code: the file
/// exists and has that heading.
#[test]
fn the_documents_the_code_cites_exist_with_their_anchors() {
    let mut wrong = Vec::new();
    let mut cited = 0;
    for dir in CODE {
        for (name, bytes) in files_under(dir) {
            let text = String::from_utf8_lossy(&bytes);
            for (i, line) in text.lines().enumerate() {
                for target in citations(line) {
                    cited += 1;
                    if let Some(why) = unresolved(&target) {
                        wrong.push(format!("{name}:{}: {why}", i + 1));
                    }
                }
            }
        }
    }
    assert!(
        cited > 20,
        "only {cited} citations found: is the scan broken?"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The documents a line of code names: `README.md`, `ARCHITECTURE.md` or
/// `docs/<name>.md`, each with the anchor that follows it, if any.
fn citations(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for doc in ["README.md", "ARCHITECTURE.md", "docs/"] {
        let mut rest = line;
        while let Some(at) = rest.find(doc) {
            let before = rest[..at].chars().last();
            let tail = &rest[at..];
            rest = &tail[doc.len()..];
            // Part of a longer name (`cli/README.md`, `../docs/`): not ours.
            if before.is_some_and(|c| c.is_alphanumeric() || c == '/' || c == '.' || c == '_') {
                continue;
            }
            let end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || "/.#-_".contains(c)))
                .unwrap_or(tail.len());
            let target = tail[..end].trim_end_matches(['.', '#']);
            if doc == "docs/" && !target.ends_with(".md") && !target.contains(".md#") {
                continue;
            }
            out.push(target.to_string());
        }
    }
    out
}

#[test]
fn relative_links_of_the_documents_resolve() {
    let mut wrong = Vec::new();
    let mut links = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).expect("read");
        let name = doc
            .strip_prefix(repo())
            .expect("inside")
            .display()
            .to_string();
        let dir = doc
            .parent()
            .expect("parent")
            .strip_prefix(repo())
            .expect("inside");
        for (n, line) in prose(&text) {
            let line = without_code_spans(line);
            let mut rest = line.as_str();
            while let Some(at) = rest.find("](") {
                rest = &rest[at + 2..];
                let Some(end) = rest.find(')') else { break };
                let target = &rest[..end];
                rest = &rest[end..];
                if target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                links += 1;
                let resolved = if let Some(anchor) = target.strip_prefix('#') {
                    format!("{name}#{anchor}")
                } else {
                    normalize(&dir.join(target))
                };
                if let Some(why) = unresolved(&resolved) {
                    wrong.push(format!("{name}:{n}: ({target}) {why}"));
                }
            }
        }
    }
    assert!(links > 50, "only {links} links found: is the scan broken?");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `docs/../README.md#install` as `README.md#install`.
fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::CurDir => {}
            c => parts.push(c.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}

#[test]
fn anchors_are_made_as_github_makes_them() {
    assert_eq!(
        slug(" The write path: plan → approve → apply"),
        "the-write-path-plan--approve--apply"
    );
    assert_eq!(slug("ETag and If-Match"), "etag-and-if-match");
    assert_eq!(
        slug("Hostile input is never a 5xx"),
        "hostile-input-is-never-a-5xx"
    );
    assert_eq!(slug("`openwork` (the binary)"), "openwork-the-binary");
    assert_eq!(
        citations("see docs/api.md#errors, and ARCHITECTURE.md. Not ../docs/x.md"),
        ["ARCHITECTURE.md", "docs/api.md#errors"]
    );
}
