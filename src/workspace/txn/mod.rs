//! Transactions: every write is first a [`Plan`] (the exact bytes of each
//! file before and after, built with a [`plan::Draft`]), then applied
//! under the workspace lock, atomically, with one audit entry.
//!
//! - [`plan`]: the plan, its edits and its diff, and the draft that builds it.
//! - [`apply`]: taking the lock, applying a plan, repairing a killed writer.
//! - [`journal`]: a write of several files, all or nothing across a crash.
//! - [`lock`]: the lock itself, and nothing else.
//! - [`audit`]: the log of applied writes, and who made them. It lives
//!   here, not among the items, because applying a plan appends to it and
//!   the journal replays an entry.
//!
//! Layers in order: `lock` and `audit` use only [`crate::workspace::io`];
//! `journal` adds `plan`; `apply` uses them all.

pub(crate) mod apply;
pub mod audit;
pub(crate) mod journal;
pub(crate) mod lock;
pub(crate) mod plan;

pub use apply::{Applied, GroupWrite};
pub(crate) use plan::Draft;
pub use plan::{FileEdit, Plan};
