//! Everything the CLI prints: JSON for machines, tables and one-liners for
//! people, errors on stderr. Colour only on a terminal and never with
//! `--no-color` or `NO_COLOR`. Whatever it prints for people goes through
//! [`openwork::display`] first: names, summaries, table cells and diffs
//! come from clients and workspace files, and a terminal must show their
//! control characters, never obey them.

use super::{GlobalArgs, table};
use comfy_table::{ContentArrangement, Table, presets};
use openwork::display;
use openwork::workspace::{Plan, Workspace};
use serde::Serialize;
use std::io::{IsTerminal, Write};

pub struct Output {
    pub json: bool,
    pub quiet: bool,
    pub color: bool,
    pub color_err: bool,
    /// Whether standard output is a terminal (else tables are tab-separated).
    pub tty: bool,
    pub verbose: u8,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

impl Output {
    pub fn new(g: &GlobalArgs) -> Output {
        let allowed = !g.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let tty = std::io::stdout().is_terminal();
        Output {
            json: g.json,
            quiet: g.quiet,
            color: allowed && tty,
            color_err: allowed && std::io::stderr().is_terminal(),
            tty,
            verbose: g.verbose,
        }
    }

    /// Pretty JSON; a hidden character in a string is written as a JSON
    /// `\uXXXX` escape (the same value, nothing a terminal obeys).
    pub fn print_json<T: Serialize + ?Sized>(&self, value: &T) {
        let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
        self.stdout_line(&display::json(&text));
    }

    fn stdout_line(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth a panic.
        let _ = writeln!(out, "{text}");
    }

    pub fn paint(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    /// `✓ msg`, with `msg` shown as one line.
    pub fn success(&self, msg: &str) {
        if !self.quiet {
            let msg = display::line(msg);
            self.stdout_line(&format!("{} {msg}", self.paint(GREEN, "✓")));
        }
    }

    /// `msg` as one line.
    pub fn info(&self, msg: &str) {
        if !self.quiet {
            self.stdout_line(&display::line(msg));
        }
    }

    /// `msg` as one line, dimmed on a terminal.
    pub fn note(&self, msg: &str) {
        if !self.quiet {
            self.stdout_line(&self.dim(&display::line(msg)));
        }
    }

    /// Lines made for people whose parts were each shown with
    /// [`display::line`]: the line breaks are ours, anything else a
    /// terminal would obey is shown (unless `--quiet`).
    pub fn block(&self, text: &str) {
        if !self.quiet {
            self.stdout_line(&display::body(text));
        }
    }

    /// A file's content: exactly as is into a pipe or a file, with its
    /// hidden characters shown (lines and tabs kept) on a terminal.
    pub fn raw(&self, text: &str) {
        let text = if std::io::stdout().is_terminal() {
            display::body(text)
        } else {
            text.into()
        };
        self.write_out(&text);
    }

    /// Text already made safe (a diff from [`Output::diff`], its colours
    /// included), as is.
    fn write_out(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
    }

    pub fn error(&self, msg: &str, hint: Option<&str>) {
        let (red, bold, reset) = if self.color_err {
            (RED, BOLD, RESET)
        } else {
            ("", "", "")
        };
        // One line whatever the message holds: a newline is a blank, and
        // everything else a terminal would obey is shown instead.
        let msg = msg.replace(['\n', '\r'], " ");
        eprintln!("{bold}{red}error:{reset} {}", display::line(&msg));
        if let Some(h) = hint {
            eprintln!("{bold}hint:{reset} {}", display::line(h));
        }
    }

    /// `warning: msg` on stderr, as one line, even with `--quiet`: a
    /// warning is not a success's chatter.
    pub fn warning(&self, msg: &str) {
        let (yellow, bold, reset) = if self.color_err {
            (YELLOW, BOLD, RESET)
        } else {
            ("", "", "")
        };
        let msg = msg.replace(['\n', '\r'], " ");
        eprintln!("{bold}{yellow}warning:{reset} {}", display::line(&msg));
    }

    /// A line for people on stderr, beside what stdout carries (unless
    /// `--quiet`).
    pub fn aside(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{}", display::line(msg));
        }
    }

    /// Detail on stderr under `-v`; may span lines (a written diff).
    pub fn debug(&self, msg: &str) {
        if self.verbose > 0 {
            eprintln!("{}", display::body(msg));
        }
    }

    /// A table fitted to the terminal (or `empty` when there are no rows);
    /// not on a terminal, tab-separated rows under a header line.
    pub fn table(&self, headers: &[&str], mut rows: Vec<Vec<String>>, empty: &str) {
        if !self.tty {
            // Tabs, newlines and backslashes as `\t`, `\n`, `\\` (a row is
            // one line), then anything else a terminal would obey shown as
            // everywhere else: the rows may well end up on a terminal.
            self.write_out(&display::body(&table::tab_separated(headers, &rows)));
            return;
        }
        if rows.is_empty() {
            self.info(empty);
            return;
        }
        // Shown, not obeyed, and measured as shown.
        for cell in rows.iter_mut().flatten() {
            if let std::borrow::Cow::Owned(shown) = display::line(cell) {
                *cell = shown;
            }
        }
        let styled = |headers: Vec<String>| {
            let mut table = Table::new();
            table
                .load_style(if self.color {
                    presets::UTF8_FULL_CONDENSED
                } else {
                    presets::ASCII_BORDERS_ONLY_CONDENSED
                })
                .set_content_arrangement(ContentArrangement::Disabled)
                .set_header(headers);
            table
        };
        let mut table = styled(headers.iter().map(|h| h.to_string()).collect());
        if let Some(width) = table.width() {
            // What borders and padding take: a table of one-letter headers, less them.
            let probe = styled(headers.iter().map(|_| "x".to_string()).collect()).to_string();
            let frame = probe.lines().map(table::width).max().unwrap_or(0) - headers.len();
            table::fit(headers, &mut rows, usize::from(width).saturating_sub(frame));
        }
        for row in rows {
            table.add_row(row);
        }
        self.stdout_line(&table.to_string());
    }

    /// A unified diff, its hidden characters shown (lines and tabs kept),
    /// coloured line by line on a terminal.
    pub fn diff(&self, diff: &str) -> String {
        let diff = display::body(diff);
        if !self.color {
            return diff.into_owned();
        }
        diff.lines()
            .map(|l| {
                let style = if l.starts_with("+++") || l.starts_with("---") {
                    BOLD
                } else if l.starts_with('+') {
                    GREEN
                } else if l.starts_with('-') {
                    RED
                } else if l.starts_with("@@") {
                    CYAN
                } else {
                    return l.to_string();
                };
                format!("{style}{l}{RESET}\n")
                    .trim_end_matches('\n')
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint(DIM, text)
    }

    /// `--dry-run`: what would be written, and nothing else (a plan that
    /// writes nothing is said by the caller, except with `--json`).
    pub fn dry_run(&self, ws: &Workspace, plan: &Plan) {
        let diff = plan.diff(&super::diff_root(ws));
        if self.json {
            let paths: Vec<String> = plan
                .paths()
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            self.print_json(&serde_json::json!({
                "dryRun": true,
                "action": plan.action,
                "summary": plan.summary,
                "paths": paths,
                "diff": diff,
            }));
            return;
        }
        self.info(&format!("Dry run: {} (nothing written)", plan.summary));
        self.write_out(&self.diff(&diff));
    }
}

/// Prints what the library logs about interrupted writes (target
/// `openwork::recovery`: one finished or discarded, a journal refused) on
/// stderr as `warning: …` lines, for every command but `serve`, which has
/// a log of its own.
pub fn log_recoveries() {
    use tracing_subscriber::fmt::format::Writer;
    use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
    use tracing_subscriber::registry::LookupSpan;

    struct Warning;
    impl<S, N> FormatEvent<S, N> for Warning
    where
        S: tracing::Subscriber + for<'a> LookupSpan<'a>,
        N: for<'a> FormatFields<'a> + 'static,
    {
        fn format_event(
            &self,
            ctx: &FmtContext<'_, S, N>,
            mut writer: Writer<'_>,
            event: &tracing::Event<'_>,
        ) -> std::fmt::Result {
            write!(writer, "warning: ")?;
            ctx.field_format().format_fields(writer.by_ref(), event)?;
            writeln!(writer)
        }
    }

    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "off,openwork::recovery=info",
        ))
        .event_format(Warning)
        .with_writer(std::io::stderr)
        .try_init();
}
