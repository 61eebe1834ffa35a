//! clap's parse errors in our words, where its own would mislead.
//!
//! - An unknown option (`--scope`) is named as one, with a hint: clap's
//!   tip to pass it as a value after `--` is wrong for openwork, whose
//!   names and specs never start with `-`.
//! - `mcp add NAME npx -y foo`, the server's command without `--`, is
//!   shown again with the `--` in place.
//!
//! Every other parse error keeps clap's text.

use super::exit::{Failure, usage};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use std::ffi::OsString;

/// Our own error for `err`, raised by parsing `argv` (program name
/// first) with the tree `cli` builds (only for an error it may explain:
/// `--version` and `--help` are clap's "errors" too); `None` when clap's
/// says it well.
pub fn explain(
    cli: impl FnOnce() -> clap::Command,
    err: &clap::Error,
    argv: &[OsString],
) -> Option<Failure> {
    if err.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let cli = &cli();
    let Some(ContextValue::String(bad)) = err.get(ContextKind::InvalidArg) else {
        return None;
    };
    let words: Vec<String> = argv
        .iter()
        .skip(1)
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    let line = Line::read(cli, &words);
    let command = format!("openwork {}", line.path.join(" "));
    if !bad.starts_with('-') {
        // A second positional word where the command takes one.
        if line.path == ["mcp", "add"]
            && let Some(&at) = line.positionals.get(1)
        {
            let mut fixed = words.clone();
            fixed.insert(at, "--".into());
            return Some(
                usage(format!(
                    "put the server's command after `--`: openwork {}",
                    shell_words(&fixed)
                ))
                .with_hint("`openwork mcp add --help` shows a local and a remote server"),
            );
        }
        return None;
    }
    let name = bad.split('=').next().unwrap_or(bad);
    let hint = match err.get(ContextKind::SuggestedArg) {
        Some(ContextValue::String(s)) => {
            format!("did you mean `{s}`? (`{command} --help` lists the options)")
        }
        _ => format!("`{command} --help` lists its options"),
    };
    Some(usage(format!("`{command}` has no option `{name}`")).with_hint(hint))
}

/// A command line as clap reads it, enough to talk about it: the
/// subcommands given, and where the positional words of the last one are.
struct Line {
    path: Vec<String>,
    /// Indexes (into the words) of the last subcommand's positional words.
    positionals: Vec<usize>,
}

impl Line {
    fn read(cli: &clap::Command, words: &[String]) -> Line {
        let mut cmd = cli.clone();
        cmd.build();
        let mut path = Vec::new();
        let mut positionals = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            if w == "--" {
                break;
            }
            if let Some(long) = w.strip_prefix("--") {
                if !long.contains('=') && takes_value(&cmd, |a| a.get_long() == Some(long)) {
                    i += 1;
                }
            } else if let Some(shorts) = w.strip_prefix('-').filter(|s| !s.is_empty()) {
                // A cluster (`-qv`): the first that takes a value takes the
                // rest of the word, or the next word.
                for (at, c) in shorts.char_indices() {
                    if takes_value(&cmd, |a| a.get_short() == Some(c)) {
                        if at + c.len_utf8() == shorts.len() {
                            i += 1;
                        }
                        break;
                    }
                }
            } else if positionals.is_empty()
                && let Some(sub) = cmd.find_subcommand(w).cloned()
            {
                path.push(sub.get_name().to_string());
                cmd = sub;
            } else {
                positionals.push(i);
            }
            i += 1;
        }
        Line { path, positionals }
    }
}

fn takes_value(cmd: &clap::Command, is: impl Fn(&clap::Arg) -> bool) -> bool {
    cmd.get_arguments()
        .find(|a| is(a))
        .is_some_and(|a| a.get_action().takes_values())
}

/// Words as a POSIX shell would need them typed.
pub fn shell_words(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            let plain = !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:@,+%^".contains(c));
            if plain {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explained(line: &str) -> (String, Option<String>) {
        let argv: Vec<OsString> = std::iter::once("openwork")
            .chain(line.split(' '))
            .map(OsString::from)
            .collect();
        let cli = crate::cli::command();
        let err = cli
            .clone()
            .try_get_matches_from(&argv)
            .expect_err("does not parse");
        let f = explain(|| cli, &err, &argv).expect("explained");
        (f.message, f.hint)
    }

    #[test]
    fn a_command_without_dashes_is_shown_with_them() {
        let (msg, _) = explained("mcp add fs npx -y foo --root .");
        assert_eq!(
            msg,
            "put the server's command after `--`: openwork mcp add fs -- npx -y foo --root ."
        );
        // Options before it stay where they were; values are not positionals.
        let (msg, _) = explained("-w /tmp mcp add db -e A=b --timeout 5 node server.js");
        assert_eq!(
            msg,
            "put the server's command after `--`: openwork -w /tmp mcp add db -e A=b --timeout 5 -- node server.js"
        );
    }

    #[test]
    fn an_unknown_option_is_named_with_the_help_to_read() {
        let (msg, hint) = explained("mcp add g --scope global -- npx");
        assert_eq!(msg, "`openwork mcp add` has no option `--scope`");
        let hint = hint.unwrap();
        assert!(hint.contains("`openwork mcp add --help`"), "{hint}");
        assert!(!hint.contains("-- --scope"), "{hint}");
        let (msg, hint) = explained("plugins add x --dry-rn");
        assert_eq!(msg, "`openwork plugins add` has no option `--dry-rn`");
        assert!(hint.unwrap().starts_with("did you mean `--dry-run`?"));
    }

    #[test]
    fn words_are_quoted_for_a_shell() {
        let w = |s: &[&str]| shell_words(&s.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(w(&["a", "b c", "it's", ""]), "a 'b c' 'it'\\''s' ''");
    }
}
