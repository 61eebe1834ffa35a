//! What the integration tests share: [`serve`] runs and drives
//! `openwork serve`, [`cli`] runs the offline CLI on a temporary
//! workspace, and [`payload_check`] holds the checks of the property tests
//! (and of the fuzz target).

pub mod cli;
pub mod payload_check;
pub mod serve;
