//! The layout of tables for people: on a terminal, columns fitted to its
//! width without breaking a word (a path, a URL, a name) across lines;
//! elsewhere, tab-separated rows under a header line, as `gh` prints
//! them for scripts. Text in, text out: `Output::table` prints.

use dialoguer::console::measure_text_width;

/// Tab-separated rows under their header, one line each: a tab, a line
/// break or a backslash in a value is written `\t`, `\n`, `\\` (other
/// control characters are the caller's: `Output::table` shows them as
/// everywhere else).
pub fn tab_separated(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    let header = headers.iter().map(|h| h.to_string()).collect::<Vec<_>>();
    for row in std::iter::once(&header).chain(rows) {
        let cells: Vec<String> = row.iter().map(|c| escaped(c)).collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out
}

fn escaped(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    for c in cell.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// How narrow text gets before words are shortened instead.
const READABLE: usize = 20;

/// Fits the cells into `room` columns of text (the terminal's width less
/// the table's borders and padding), line breaks put in each cell. Text
/// wraps between words; a word is never broken across lines: when words
/// cannot fit, the longest are shortened in the middle
/// (`/home/me/.con…/SKILL.md`). When even the headers do not fit, the
/// table is left wider than the room.
pub fn fit(headers: &[&str], rows: &mut [Vec<String>], room: usize) {
    let columns = headers.len();
    let header_width: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    let mut widths = header_width.clone();
    let mut floors = header_width.clone();
    for row in rows.iter() {
        for (c, cell) in row.iter().enumerate().take(columns) {
            for line in cell.lines() {
                widths[c] = widths[c].max(width(line));
                for word in line.split_whitespace() {
                    floors[c] = floors[c].max(width(word));
                }
            }
        }
    }
    // The widest column gives way first: text wraps between words down to
    // a readable width; then the longest words are shortened; then text
    // narrows further; never below a header or a few letters each side of
    // an ellipsis.
    let readable = |c: usize| widths[c].min(READABLE);
    let least: Vec<usize> = header_width.iter().map(|w| (*w).max(9)).collect();
    let wrap: Vec<usize> = (0..columns).map(|c| floors[c].max(readable(c))).collect();
    let shorten: Vec<usize> = (0..columns).map(|c| least[c].max(readable(c))).collect();
    for limit in [&wrap, &shorten, &least] {
        while widths.iter().sum::<usize>() > room {
            let widest = (0..columns)
                .filter(|&c| widths[c] > limit[c])
                .max_by_key(|&c| (widths[c], std::cmp::Reverse(c)));
            match widest {
                Some(c) => widths[c] -= 1,
                None => break,
            }
        }
    }
    for row in rows.iter_mut() {
        for (c, cell) in row.iter_mut().enumerate().take(columns) {
            if cell.lines().any(|l| width(l) > widths[c]) {
                *cell = wrapped(cell, widths[c]);
            }
        }
    }
}

/// The columns `text` takes on a terminal.
pub fn width(text: &str) -> usize {
    measure_text_width(text)
}

/// `text` in lines of at most `max` columns, broken between words; a word
/// longer than a line is shortened in the middle.
fn wrapped(text: &str, max: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let word = shortened(word, max);
            if !line.is_empty() && width(&line) + 1 + width(&word) > max {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        lines.push(line);
    }
    lines.join("\n")
}

/// `word` in at most `max` columns: its start and its end (a URL's host,
/// a path's file) around an ellipsis.
fn shortened(word: &str, max: usize) -> String {
    if width(word) <= max {
        return word.to_string();
    }
    let keep = max.saturating_sub(1);
    let head_room = keep / 2;
    let tail_room = keep - head_room;
    let chars: Vec<char> = word.chars().collect();
    let mut head = String::new();
    for c in &chars {
        if width(&head) + width(&c.to_string()) > head_room {
            break;
        }
        head.push(*c);
    }
    let mut tail: Vec<char> = Vec::new();
    for c in chars.iter().rev() {
        let taken: String = tail.iter().rev().collect();
        if width(&taken) + width(&c.to_string()) > tail_room {
            break;
        }
        tail.push(*c);
    }
    let tail: String = tail.iter().rev().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(cells: &[&[&str]]) -> Vec<Vec<String>> {
        cells
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn tab_separated_escapes_what_would_split_a_row() {
        let text = tab_separated(&["A", "B"], &rows(&[&["x\ty", "line\nnext \\ end"]]));
        assert_eq!(text, "A\tB\nx\\ty\tline\\nnext \\\\ end\n");
        assert_eq!(tab_separated(&["A"], &[]), "A\n");
    }

    #[test]
    fn text_wraps_between_words_and_paths_stay_whole() {
        let path = ".opencode/skills/release-notes/SKILL.md";
        let mut r = rows(&[&[
            "release-notes",
            "Write release notes from the merged pull requests",
            path,
        ]]);
        fit(&["NAME", "DESCRIPTION", "PATH"], &mut r, 80);
        assert_eq!(r[0][0], "release-notes");
        assert_eq!(r[0][2], path);
        let description: Vec<&str> = r[0][1].lines().collect();
        assert!(description.len() > 1, "{description:?}");
        assert!(description.iter().all(|l| width(l) <= 80 - 13 - path.len()));
        assert_eq!(
            description.join(" "),
            "Write release notes from the merged pull requests"
        );
    }

    #[test]
    fn what_fits_is_left_alone() {
        let mut r = rows(&[&["a", "b c"]]);
        fit(&["X", "Y"], &mut r, 80);
        assert_eq!(r, rows(&[&["a", "b c"]]));
    }

    #[test]
    fn words_too_long_for_any_line_are_shortened_in_the_middle() {
        let path = "/home/someone/.config/opencode/skills/release-notes/SKILL.md";
        let mut r = rows(&[&["release-notes", "Notes", path]]);
        fit(&["NAME", "DESCRIPTION", "PATH"], &mut r, 50);
        let shown = &r[0][2];
        assert!(!shown.contains('\n'), "{shown}");
        assert!(
            shown.starts_with("/home/") && shown.ends_with("/SKILL.md"),
            "{shown}"
        );
        assert!(shown.contains('…'));
        let total: usize = r[0]
            .iter()
            .map(|c| c.lines().map(width).max().unwrap_or(0))
            .sum();
        assert!(total <= 50, "{r:?}");
        assert_eq!(shortened("abcdefghij", 5), "ab…ij");
        assert_eq!(shortened("abc", 5), "abc");
    }
}
