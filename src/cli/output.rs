//! Everything the CLI prints: JSON for machines, tables and one-liners for
//! people, errors on stderr. Colour only on a terminal and never with
//! `--no-color` or `NO_COLOR`.

use super::GlobalArgs;
use comfy_table::{ContentArrangement, Table, presets};
use openwork::workspace::{Plan, Workspace};
use serde::Serialize;
use std::io::{IsTerminal, Write};

pub struct Output {
    pub json: bool,
    pub quiet: bool,
    pub color: bool,
    pub color_err: bool,
    pub verbose: u8,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

impl Output {
    pub fn new(g: &GlobalArgs) -> Output {
        let allowed = !g.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Output {
            json: g.json,
            quiet: g.quiet,
            color: allowed && std::io::stdout().is_terminal(),
            color_err: allowed && std::io::stderr().is_terminal(),
            verbose: g.verbose,
        }
    }

    pub fn print_json<T: Serialize + ?Sized>(&self, value: &T) {
        let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
        self.stdout_line(&text);
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

    pub fn success(&self, msg: &str) {
        if !self.quiet {
            self.stdout_line(&format!("{} {msg}", self.paint(GREEN, "✓")));
        }
    }

    pub fn info(&self, msg: &str) {
        if !self.quiet {
            self.stdout_line(msg);
        }
    }

    /// Raw text (a file's content) exactly as is.
    pub fn raw(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
    }

    pub fn error(&self, msg: &str, hint: Option<&str>) {
        let (red, bold, reset) = if self.color_err {
            (RED, BOLD, RESET)
        } else {
            ("", "", "")
        };
        // Keep the error on one line whatever the message holds.
        let msg = msg.replace(['\n', '\r'], " ");
        eprintln!("{bold}{red}error:{reset} {msg}");
        if let Some(h) = hint {
            eprintln!("{bold}hint:{reset} {h}");
        }
    }

    /// One line on stderr that a person should read after a success
    /// (never on stdout, so `--json` output stays clean); none with `-q`.
    pub fn note(&self, msg: &str) {
        if !self.quiet {
            eprintln!("note: {msg}");
        }
    }

    pub fn debug(&self, msg: &str) {
        if self.verbose > 0 {
            eprintln!("{msg}");
        }
    }

    /// A table, or `empty` when there are no rows.
    pub fn table(&self, headers: &[&str], rows: Vec<Vec<String>>, empty: &str) {
        if rows.is_empty() {
            self.info(empty);
            return;
        }
        let mut table = Table::new();
        table
            .load_style(if self.color {
                presets::UTF8_FULL_CONDENSED
            } else {
                presets::ASCII_BORDERS_ONLY_CONDENSED
            })
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(headers.iter().map(|h| h.to_string()));
        for row in rows {
            table.add_row(row);
        }
        self.stdout_line(&table.to_string());
    }

    /// A unified diff, coloured line by line on a terminal.
    pub fn diff(&self, diff: &str) -> String {
        if !self.color {
            return diff.to_string();
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

    /// `--dry-run`: what would be written, and nothing else.
    pub fn dry_run(&self, ws: &Workspace, plan: &Plan) {
        let diff = plan.diff(ws.root());
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
        if plan.is_noop() {
            self.info(&format!(
                "{}: already so, nothing would change",
                plan.summary
            ));
        } else {
            self.info(&format!("Dry run: {} (nothing written)", plan.summary));
            self.raw(&self.diff(&diff));
        }
    }
}
