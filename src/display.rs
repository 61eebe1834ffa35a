//! Text that came from a client or a workspace file, made safe to show on
//! a terminal or in a log line: every character that a terminal would
//! obey rather than show (C0 and C1 controls, DEL: the start of escape
//! and OSC sequences) or that reorders or hides text (bidirectional
//! overrides, isolates and marks, zero-width and other format
//! characters, line and paragraph separators) is written as `\u{XX}`, its
//! code point in hex. One function, [`escape`], does it for every door:
//! the CLI's tables, one-liners and diffs, `openwork approvals`, and the
//! server's log (docs/guarantees.md#the-host-sees-what-it-approves).

use std::borrow::Cow;
use std::fmt::Write;

/// Whether a terminal would act on `c` or draw it misleadingly.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'                  // Arabic letter mark
            | '\u{115F}' | '\u{1160}'   // Hangul fillers (blank)
            | '\u{180E}'                // Mongolian vowel separator
            | '\u{200B}'..='\u{200F}'   // zero-width space/joiners, LRM, RLM
            | '\u{2028}'..='\u{202E}'   // line/paragraph separators, embeddings, overrides
            | '\u{2060}'..='\u{206F}'   // word joiner, invisible operators, isolates
            | '\u{3164}'                // Hangul filler
            | '\u{FEFF}'                // zero-width no-break space (BOM)
            | '\u{FFA0}'                // halfwidth Hangul filler
            | '\u{FFF9}'..='\u{FFFB}'   // interlinear annotations
            | '\u{E0000}'..='\u{E007F}' // tags
        )
}

/// `text` with every hidden character written as `\u{XX}`, except those
/// in `keep` (a diff keeps its newlines and tabs).
pub fn escape<'a>(text: &'a str, keep: &[char]) -> Cow<'a, str> {
    rewrite(
        text,
        |b| keep.contains(&char::from(b)),
        |c| is_hidden(c) && !keep.contains(&c),
        |out, c| {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        },
    )
}

/// `text` with each character `hidden` picks written by `write` instead,
/// borrowed when there is none. Printable ASCII is never hidden, nor is an
/// ASCII byte `kept` accepts: those bytes are passed over one by one
/// without being decoded (printing `--json` went through every character
/// of pretty JSON, whose newlines are hidden characters, at some 60
/// instructions each: more than the listing cost to make).
fn rewrite<'a>(
    text: &'a str,
    kept: impl Fn(u8) -> bool,
    hidden: impl Fn(char) -> bool,
    write: impl Fn(&mut String, char),
) -> Cow<'a, str> {
    let mut out: Option<String> = None;
    // Bytes before `done` are in `out` already (when there is one).
    let mut done = 0;
    let mut at = 0;
    let bytes = text.as_bytes();
    while at < bytes.len() {
        let b = bytes[at];
        if (b' '..=b'~').contains(&b) || (b.is_ascii() && kept(b)) {
            at += 1;
            continue;
        }
        // `at` follows whole characters only: it is a character boundary.
        let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        if hidden(c) {
            let out = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
            out.push_str(&text[done..at]);
            write(out, c);
            done = at + c.len_utf8();
        }
        at += c.len_utf8();
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[done..]);
            Cow::Owned(out)
        }
    }
}

/// One line: newlines, carriage returns and tabs are escaped too, so a
/// name cannot forge a line of a table or a log.
pub fn line(text: &str) -> Cow<'_, str> {
    escape(text, &[])
}

/// A body (a diff, a file's content): lines and tabs kept, all else escaped.
pub fn body(text: &str) -> Cow<'_, str> {
    escape(text, &['\n', '\t'])
}

/// JSON text (as serde_json writes it, which escapes only U+0000–U+001F)
/// with every other hidden character as a JSON `\uXXXX` escape: the same
/// JSON value, but nothing a terminal would act on. Hidden characters
/// only ever appear inside strings, where the escape means the same.
pub fn json(text: &str) -> Cow<'_, str> {
    let whitespace = |c: char| matches!(c, '\n' | '\t' | '\r');
    rewrite(
        text,
        |b| whitespace(char::from(b)),
        |c| is_hidden(c) && !whitespace(c),
        |out, c| {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_obey() {
        assert_eq!(line("plain text é 日本"), "plain text é 日本");
        assert_eq!(
            line("a\x1b]0;pwned\x07b\nc\rd\te\u{7f}"),
            "a\\u{1b}]0;pwned\\u{7}b\\u{a}c\\u{d}d\\u{9}e\\u{7f}"
        );
        assert_eq!(line("\u{9b}2J"), "\\u{9b}2J", "C1 CSI");
        assert_eq!(line("abc\u{202e}fed"), "abc\\u{202e}fed");
        for c in [
            '\u{200e}',
            '\u{200f}',
            '\u{061c}',
            '\u{2066}',
            '\u{2069}',
            '\u{feff}',
            '\u{2028}',
            '\u{200b}',
            '\u{e0041}',
        ] {
            assert!(is_hidden(c), "{c:?}");
        }
        assert_eq!(body("+a\n+\tb\x1b[2K\r\n"), "+a\n+\tb\\u{1b}[2K\\u{d}\n");
    }

    /// The escapes as the definition reads, character by character.
    fn escaped_one_by_one(text: &str, keep: &[char]) -> String {
        text.chars()
            .map(|c| match is_hidden(c) && !keep.contains(&c) {
                true => format!("\\u{{{:x}}}", u32::from(c)),
                false => c.to_string(),
            })
            .collect()
    }

    /// Passing printable ASCII over byte by byte changes nothing: every
    /// mix of plain, kept, hidden and other non-ASCII characters, at the
    /// start, the middle and the end, comes out as the definition says,
    /// and borrowed exactly when nothing was hidden.
    #[test]
    fn skipping_plain_bytes_escapes_the_same() {
        let parts = [
            "a",
            "~ ",
            "\n",
            "\t",
            "\r",
            "\x1b",
            "\x7f",
            "é",
            "日",
            "\u{9b}",
            "\u{202e}",
            "\u{e0041}",
            "\u{1f600}",
        ];
        for keep in [&[][..], &['\n', '\t'][..]] {
            for a in parts {
                for b in parts {
                    for c in parts {
                        let text = format!("{a}x{b}{c}y{a}");
                        let got = escape(&text, keep);
                        assert_eq!(
                            got,
                            escaped_one_by_one(&text, keep),
                            "{text:?} keeping {keep:?}"
                        );
                        assert_eq!(matches!(got, Cow::Borrowed(_)), got == text, "{text:?}");
                    }
                }
            }
        }
        let pretty = "{\n  \"a\": \"é\\u0007\",\r\n\t\"b\": 1\n}";
        assert!(
            matches!(json(pretty), Cow::Borrowed(_)),
            "JSON whitespace and é are shown"
        );
        assert_eq!(
            json("[\"\u{202e}\u{1f600}\"]\n"),
            "[\"\\u202e\u{1f600}\"]\n"
        );
    }

    #[test]
    fn json_stays_the_same_value() {
        let v = serde_json::json!({"k\u{202e}": "x\u{9b}y\u{1b}z\u{e0041}"});
        let text = serde_json::to_string(&v).unwrap();
        let safe = json(&text);
        assert!(!safe.chars().any(is_hidden), "{safe}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), v);
    }
}
