//! Subcommands whose arguments clap is told only when they are used.
//!
//! Every run of `openwork` parses its command line, and building the whole
//! command tree (some 40 commands and their arguments) was over a third of
//! the instructions of `openwork --version`, paid again by every offline
//! command (ARCHITECTURE.md, "The CLI"). Parsing now builds the top level
//! and then only the subcommand named on the line, by clap's own
//! `Command::defer`: each group (`plugins`, `mcp`, …) is wrapped in
//! [`Deferred`] (subcommands) or [`DeferredArgs`] (arguments), which tell
//! clap how to build it later rather than building it now.
//!
//! Whatever reads the tree itself (help of the whole program, completions,
//! man pages, the docs, the explanations of a bad command line) wants all
//! of it, so deferring is chosen per build: [`lazily`] builds the tree for
//! parsing; anything else builds it whole, as before. `serve` defers its
//! arguments through [`augment`] itself (`serve::Serve`): parsing sets its
//! blank environment variables aside as it builds them.

use clap::{ArgMatches, Args, Command, FromArgMatches, Subcommand};
use std::cell::Cell;

thread_local! {
    /// Set while [`lazily`] builds the tree.
    static LAZY: Cell<bool> = const { Cell::new(false) };
}

/// The tree `build` makes, with each [`Deferred`] and [`DeferredArgs`]
/// part left for clap to build when its subcommand is parsed.
pub fn lazily(build: impl FnOnce() -> Command) -> Command {
    LAZY.with(|lazy| lazy.set(true));
    let cmd = build();
    LAZY.with(|lazy| lazy.set(false));
    cmd
}

/// `cmd` augmented by `now`, or, while [`lazily`] builds, by `later` when
/// clap parses `cmd` (the same but for what only parsing needs).
pub fn augment(
    cmd: Command,
    now: fn(Command) -> Command,
    later: fn(Command) -> Command,
) -> Command {
    if LAZY.with(Cell::get) {
        cmd.defer(later)
    } else {
        now(cmd)
    }
}

/// A group of subcommands built when it is parsed.
#[derive(Debug)]
pub struct Deferred<T>(pub T);

impl<T: FromArgMatches> FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Deferred)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }
}

impl<T: Subcommand> Subcommand for Deferred<T> {
    fn augment_subcommands(cmd: Command) -> Command {
        augment(cmd, T::augment_subcommands, T::augment_subcommands)
    }

    fn augment_subcommands_for_update(cmd: Command) -> Command {
        augment(
            cmd,
            T::augment_subcommands_for_update,
            T::augment_subcommands_for_update,
        )
    }

    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
}

/// A subcommand's arguments, built when it is parsed.
#[derive(Debug)]
pub struct DeferredArgs<T>(pub T);

impl<T: FromArgMatches> FromArgMatches for DeferredArgs<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(DeferredArgs)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }
}

impl<T: Args> Args for DeferredArgs<T> {
    fn augment_args(cmd: Command) -> Command {
        augment(cmd, T::augment_args, T::augment_args)
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        augment(cmd, T::augment_args_for_update, T::augment_args_for_update)
    }
}

#[cfg(test)]
mod tests {
    use super::lazily;
    use crate::cli::command;

    /// Each path of subcommands in `cmd`, parents first.
    fn paths(cmd: &clap::Command, above: &[String], out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands() {
            let mut path = above.to_vec();
            path.push(sub.get_name().to_string());
            out.push(path.clone());
            paths(sub, &path, out);
        }
    }

    /// Parsing builds the groups it does not use no more; what it builds
    /// when used is what the whole tree holds: the program's help and
    /// every command's (`--help`, `-h`, `openwork help …`), as parsing
    /// shows it, are the same from both, and so are a group named alone
    /// and a bad flag.
    #[test]
    fn parsing_builds_only_what_it_uses_and_the_same() {
        let whole = command();
        let lazy = lazily(command);
        // How many subcommands and arguments `name` has been given so far.
        let built = |cli: &clap::Command, name: &str| {
            let sub = cli.find_subcommand(name).expect(name);
            sub.get_subcommands().count() + sub.get_arguments().count()
        };
        for name in ["plugins", "serve"] {
            assert!(built(&whole, name) > 0, "{name}");
            assert_eq!(built(&lazy, name), 0, "{name} waits for parsing");
        }

        let mut all = Vec::new();
        paths(&whole, &[], &mut all);
        assert!(all.len() > 30, "{all:?}");
        let render = |cli: clap::Command, words: &[&str]| {
            let argv = std::iter::once("openwork").chain(words.iter().copied());
            match cli.try_get_matches_from(argv) {
                Ok(_) => "parsed".to_string(),
                Err(e) => format!("{:?}: {}", e.kind(), e.render()),
            }
        };
        let same = |words: &[&str]| {
            assert_eq!(
                render(lazily(command), words),
                render(command(), words),
                "{words:?}"
            );
        };
        same(&["--help"]);
        same(&[]);
        for path in &all {
            let words: Vec<&str> = path.iter().map(String::as_str).collect();
            // The command alone (a group without its subcommand), its
            // help asked three ways, and a flag it does not have.
            same(&words);
            same(&[&["help"][..], &words].concat());
            for last in ["--help", "-h", "--no-such-flag"] {
                same(&[&words[..], &[last]].concat());
            }
        }
    }
}
