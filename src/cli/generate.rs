//! `openwork completions` and `openwork man`: generated from the same clap
//! definitions as the parser, so they can never disagree with it. The
//! committed copies in `completions/` and `man/` are checked by a test.

use super::{CmdResult, Ctx, ExitStatus, Failure};
use clap::Args;
use clap_complete::Shell;
use openwork::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  openwork completions bash > ~/.local/share/bash-completion/completions/openwork\n  openwork completions zsh > ~/.zfunc/_openwork\n  openwork completions fish > ~/.config/fish/completions/openwork.fish"
)]
pub struct CompletionsArgs {
    /// The shell to generate for.
    pub shell: Shell,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  openwork man ~/.local/share/man/man1\n  openwork man | man -l -"
)]
pub struct ManArgs {
    /// Write one page per command into this folder (default: print openwork.1).
    pub dir: Option<PathBuf>,
}

/// The command tree as documented: the plain package version, so a new
/// commit does not make the committed pages stale.
fn docs_command() -> clap::Command {
    let mut cmd = super::command()
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_subcommand(true);
    cmd.build();
    cmd
}

pub fn completions(_ctx: &Ctx, args: CompletionsArgs) -> CmdResult {
    let mut cmd = docs_command();
    clap_complete::generate(args.shell, &mut cmd, "openwork", &mut std::io::stdout());
    Ok(())
}

// Man pages go to the folder the user names, not into a workspace.
#[allow(clippy::disallowed_methods)]
pub fn man(ctx: &Ctx, args: ManArgs) -> CmdResult {
    let io = |e: std::io::Error| Failure::from(Error::io("write the man pages", Path::new("."), e));
    let root = docs_command();
    match args.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir).map_err(io)?;
            let mut count = 0;
            let mut stack = vec![(root, true)];
            while let Some((cmd, is_root)) = stack.pop() {
                stack.extend(
                    cmd.get_subcommands()
                        .filter(|s| !s.is_hide_set())
                        .cloned()
                        .map(|s| (s, false)),
                );
                let name = cmd.get_display_name().unwrap_or(cmd.get_name()).to_string();
                let mut file = std::fs::File::create(dir.join(format!("{name}.1"))).map_err(io)?;
                page(&cmd, is_root, &mut file).map_err(io)?;
                count += 1;
            }
            ctx.out
                .success(&format!("Wrote {count} man pages to {}", dir.display()));
        }
        None => page(&root, true, &mut std::io::stdout()).map_err(io)?,
    }
    Ok(())
}

/// One page: clap_mangen's sections, then EXAMPLES from the command's
/// `after_help`, and on `openwork.1` the ENVIRONMENT, FILES and EXIT STATUS.
fn page(cmd: &clap::Command, is_root: bool, w: &mut dyn Write) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(w)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(w)?;
    }
    let examples = examples(cmd);
    if !examples.is_empty() {
        writeln!(w, ".SH EXAMPLES")?;
        for (line, comment) in examples {
            match comment {
                Some(c) => writeln!(w, ".TP\n.B {}\n{}", roff(&line), roff(&c))?,
                None => writeln!(w, ".TP\n.B {}", roff(&line))?,
            }
        }
    }
    if is_root {
        w.write_all(ROOT_SECTIONS.as_bytes())?;
        w.write_all(exit_status_section().as_bytes())?;
        man.render_version_section(w)?;
    }
    Ok(())
}

/// `(command, comment)` pairs from an `Examples:` block of `after_help`.
fn examples(cmd: &clap::Command) -> Vec<(String, Option<String>)> {
    let Some(text) = cmd.get_after_help().map(|h| h.to_string()) else {
        return Vec::new();
    };
    let Some(block) = text.split("Examples:").nth(1) else {
        return Vec::new();
    };
    block
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| l.starts_with("  "))
        .map(|l| match l.trim().split_once("  # ") {
            Some((c, comment)) => (c.trim().to_string(), Some(comment.trim().to_string())),
            None => (l.trim().to_string(), None),
        })
        .collect()
}

/// Escapes text for roff: backslashes, and a leading `.` or `'`.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// EXIT STATUS: each status's meaning as a sentence, its `code` spans in bold.
fn exit_status_section() -> String {
    let mut out = String::from(".SH \"EXIT STATUS\"\n");
    for status in ExitStatus::ALL {
        let mut meaning = String::new();
        for (i, part) in status.meaning().split('`').enumerate() {
            let part = roff(part);
            if i % 2 == 1 {
                meaning.push_str(&format!("\\fB{part}\\fR"));
            } else {
                meaning.push_str(&part);
            }
        }
        let mut chars = meaning.chars();
        let first = chars.next().map(|c| c.to_uppercase().to_string());
        out.push_str(&format!(
            ".TP\n.B {}\n{}{}.\n",
            status.code(),
            first.unwrap_or_default(),
            chars.as_str()
        ));
    }
    out
}

/// ENVIRONMENT and FILES of `openwork.1`.
const ROOT_SECTIONS: &str = r#".SH ENVIRONMENT
.TP
.B OPENWORK_WORKSPACE
Workspace folder when \fB\-w\fR is not given, taken as it is. Unset: the
project of the current folder, the nearest folder up with
\fIopencode.jsonc\fR, \fIopencode.json\fR or \fI.opencode\fR, else the git
root, else the current folder (never the home folder or above it).
.TP
.B NO_COLOR
Disables colour when set to a non\-empty value.
.TP
.B OPENWORK_URL, OPENWORK_HOST_TOKEN
Server and host token for \fBopenwork approvals\fR.
.TP
.B OPENWORK_STATE_DIR
The user's openwork state: pairing files (\fIservers/\fR) and the journal key.
.TP
.B OPENWORK_SERVER_CONFIG
Server config file (default \fI~/.config/openwork/server.json\fR).
.TP
.B OPENWORK_HOST, OPENWORK_PORT, OPENWORK_TOKEN, OPENWORK_APPROVAL_MODE, OPENWORK_APPROVAL_TIMEOUT_MS, OPENWORK_WORKSPACES, OPENWORK_CORS_ORIGINS, OPENWORK_READONLY
Settings of \fBopenwork serve\fR; see \fBopenwork\-serve\fR(1).
.SH FILES
.TP
.I opencode.jsonc, opencode.json
The OpenCode config (JSONC); edits keep comments and formatting.
.TP
.I .opencode/openwork.json
The OpenWork config.
.TP
.I .opencode/skills/<name>/SKILL.md
Project skills (also listed: \fI.claude/skills\fR up to the git root).
.TP
.I .opencode/commands/<name>.md
Commands.
.TP
.I .opencode/plugins/*.js, *.ts
Local plugin files.
.TP
.I .opencode/openwork/audit.jsonl
The audit log, one JSON object per line.
.TP
.I .opencode/openwork/.lock
The workspace lock shared by the server and the CLI.
.TP
.I .opencode/openwork/journal.json
A write of several files that a crash interrupted; the next write (or \fBopenwork serve\fR starting) finishes it if its seal is this user's, else refuses it until \fBopenwork journal discard\fR.
.TP
.I $OPENWORK_STATE_DIR/journal.key
The key that seals the journal (mode 0600), in the user's state folder.
.TP
.I $OPENWORK_STATE_DIR/global/
The lock, journal and audit log of the user-wide OpenCode config's writes (\fB\-\-global\fR).
.TP
.I ~/.config/opencode/
The user-wide OpenCode config: listed with \fB\-\-global\fR; its \fIopencode.json(c)\fR, \fIskills/\fR and \fIcommands/\fR written only by a write given \fB\-\-global\fR, never by the server.
.TP
.I ~/.claude/skills/
User-wide skills, listed with \fB\-\-global\fR, never written.
"#;

#[cfg(test)]
mod tests {
    #[test]
    fn examples_parse_comments() {
        let cmd =
            clap::Command::new("x").after_help("Examples:\n  x a   # does a\n  x b\n\nMore text");
        let ex = super::examples(&cmd);
        assert_eq!(
            ex,
            [
                ("x a".to_string(), Some("does a".to_string())),
                ("x b".to_string(), None)
            ]
        );
    }

    #[test]
    fn roff_escapes() {
        assert_eq!(
            super::roff(".hidden \\ back-slash"),
            "\\&.hidden \\e back\\-slash"
        );
    }
}
