//! `openwork completions` and `openwork man`: generated from the same clap
//! definitions as the parser, so they can never disagree with it.

use super::{CmdResult, Ctx, Failure};
use clap::Args;
use clap_complete::Shell;
use openwork::Error;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  openwork completions bash > ~/.local/share/bash-completion/completions/openwork\n  openwork completions zsh > ~/.zfunc/_openwork\n  openwork completions fish > ~/.config/fish/completions/openwork.fish"
)]
pub struct CompletionsArgs {
    /// The shell to generate for.
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command into this folder (default: print openwork.1).
    pub dir: Option<PathBuf>,
}

pub fn completions(_ctx: &Ctx, args: CompletionsArgs) -> CmdResult {
    let mut cmd = super::command();
    clap_complete::generate(args.shell, &mut cmd, "openwork", &mut std::io::stdout());
    Ok(())
}

pub fn man(ctx: &Ctx, args: ManArgs) -> CmdResult {
    let cmd = super::command();
    let io = |e: std::io::Error| {
        Failure::from(Error::io(
            "write the man pages",
            std::path::Path::new("."),
            e,
        ))
    };
    match args.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir).map_err(io)?;
            clap_mangen::generate_to(cmd, &dir).map_err(io)?;
            ctx.out
                .success(&format!("Wrote man pages to {}", dir.display()));
        }
        None => {
            clap_mangen::Man::new(cmd)
                .render(&mut std::io::stdout())
                .map_err(io)?;
        }
    }
    Ok(())
}
