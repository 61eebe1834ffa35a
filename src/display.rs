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
    let hidden = |c: char| is_hidden(c) && !keep.contains(&c);
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
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
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_hidden(c) && !matches!(c, '\n' | '\t' | '\r') {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
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

    #[test]
    fn json_stays_the_same_value() {
        let v = serde_json::json!({"k\u{202e}": "x\u{9b}y\u{1b}z\u{e0041}"});
        let text = serde_json::to_string(&v).unwrap();
        let safe = json(&text);
        assert!(!safe.chars().any(is_hidden), "{safe}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), v);
    }
}
