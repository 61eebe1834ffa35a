//! Dynamic completion of names that exist in the workspace (`plugins
//! remove <TAB>`, `skills show <TAB>`, …), through clap_complete's
//! `COMPLETE=$SHELL openwork` protocol. The static scripts in
//! `completions/` cannot know a workspace's names; these can.

use clap_complete::engine::CompletionCandidate;
use openwork::workspace::commands::Scope;
use openwork::workspace::{Workspace, commands, mcp, plugins, skills, validate};
use std::path::PathBuf;

/// The workspace of the command line being completed: `-w DIR` /
/// `--workspace DIR` / `--workspace=DIR` among its words, else the one
/// every command uses ([`super::default_workspace`]).
fn workspace() -> Option<Workspace> {
    let words: Vec<String> = std::env::args().collect();
    let mut dir = None;
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if (w == "-w" || w == "--workspace") && i + 1 < words.len() {
            dir = Some(PathBuf::from(&words[i + 1]));
            i += 1;
        } else if let Some(d) = w.strip_prefix("--workspace=") {
            dir = Some(PathBuf::from(d));
        }
        i += 1;
    }
    let dir = match dir {
        Some(dir) => dir,
        None => super::default_workspace().ok()?.0,
    };
    Workspace::open(&dir).ok()
}

pub fn plugin_names() -> Vec<CompletionCandidate> {
    let Some(ws) = workspace() else {
        return Vec::new();
    };
    let Ok(list) = plugins::list(&ws, false) else {
        return Vec::new();
    };
    list.items
        .into_iter()
        .filter(|p| p.source == "config")
        .map(|p| CompletionCandidate::new(validate::plugin_name(&p.spec)).help(Some(p.spec.into())))
        .collect()
}

pub fn mcp_names() -> Vec<CompletionCandidate> {
    let Some(ws) = workspace() else {
        return Vec::new();
    };
    let Ok(items) = mcp::list(&ws, false) else {
        return Vec::new();
    };
    items
        .into_iter()
        .map(|m| {
            let kind = m
                .config
                .get("type")
                .and_then(|t| t.as_str())
                .unwrap_or("")
                .to_string();
            CompletionCandidate::new(m.name).help(Some(kind.into()))
        })
        .collect()
}

pub fn skill_names() -> Vec<CompletionCandidate> {
    let Some(ws) = workspace() else {
        return Vec::new();
    };
    let Ok(items) = skills::list(&ws, false) else {
        return Vec::new();
    };
    items
        .into_iter()
        .map(|s| CompletionCandidate::new(s.name).help(Some(s.description.into())))
        .collect()
}

pub fn command_names() -> Vec<CompletionCandidate> {
    let Some(ws) = workspace() else {
        return Vec::new();
    };
    let Ok(items) = commands::list(&ws, Scope::Workspace) else {
        return Vec::new();
    };
    items
        .into_iter()
        .map(|c| CompletionCandidate::new(c.name).help(c.description.map(Into::into)))
        .collect()
}
