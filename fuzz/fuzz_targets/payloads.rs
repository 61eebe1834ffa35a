//! Any bytes as the body (or `DELETE` name) of any endpoint, through the
//! server's own parsing and the core's planning, with the checks of
//! `tests/it/support/payload_check.rs` (the property tests run the same ones
//! in CI).
#![no_main]

#[path = "../../tests/it/support/payload_check.rs"]
mod payload_check;

use libfuzzer_sys::fuzz_target;
use openwork::workspace::Workspace;
use payload_check::{ALL, Endpoint, check_body, check_segment, seed};
use std::sync::OnceLock;

/// One seeded workspace for the whole run (planning only reads it).
fn workspace() -> &'static Workspace {
    static WS: OnceLock<(tempfile::TempDir, Workspace)> = OnceLock::new();
    &WS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let ws = seed(dir.path());
        (dir, ws)
    })
    .1
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let endpoint = ALL[pick as usize % ALL.len()];
    let ws = workspace();
    match endpoint {
        Endpoint::RemovePlugin
        | Endpoint::DeleteSkill
        | Endpoint::RemoveMcp
        | Endpoint::DeleteCommand => {
            // Path segments arrive as text (hyper has checked the bytes).
            if let Ok(raw) = std::str::from_utf8(rest) {
                check_segment(ws, endpoint, raw);
            }
        }
        _ => {
            check_body(ws, endpoint, rest);
        }
    }
});
