//! Every remote write: plan → (no-op? answer) → read-only? → approval →
//! apply → the workspace's OpenCode asked to reload. In manual mode the
//! plan the host approved is exactly the one applied; a write applies
//! under the workspace lock, on the blocking pool (it fsyncs), holding the
//! server's write gate so that shutdown waits for it.

use super::approvals::{Outcome, denied};
use super::models::ApprovalRequest;
use super::opencode::Reload;
use super::reads::blocking;
use super::settings::ApprovalMode;
use super::state::{AppState, WsEntry};
use crate::workspace::{Actor, Plan, Workspace, now_ms};
use crate::{Code, Error, Result};
use std::sync::Arc;

/// A write done: what `make` returned besides the plan, and whether the
/// workspace's OpenCode sees it (the answer's header).
pub struct Written<T> {
    pub value: T,
    pub opencode: Reload,
}

impl AppState {
    /// [`AppState::write`] of a plan with nothing else to return.
    pub async fn write_plan<F>(
        &self,
        entry: &Arc<WsEntry>,
        actor: Actor,
        make: F,
    ) -> Result<Written<()>>
    where
        F: Fn(&Workspace) -> Result<Plan> + Send + Sync + 'static,
    {
        self.write(entry, actor, move |ws| Ok((make(ws)?, ())))
            .await
    }

    /// Plan → (no-op? answer) → read-only? → approval → apply
    /// (docs/api.md#order-of-checks), then the workspace's OpenCode asked
    /// to reload.
    /// `make` may run twice in auto mode, before the workspace's first
    /// write (never in manual mode, where the plan the host approved is
    /// exactly the one applied).
    pub async fn write<T, F>(
        &self,
        entry: &Arc<WsEntry>,
        actor: Actor,
        make: F,
    ) -> Result<Written<T>>
    where
        T: Send + 'static,
        F: Fn(&Workspace) -> Result<(Plan, T)> + Send + Sync + 'static,
    {
        let (plan, value) = self.apply(entry, actor, make).await?;
        let opencode = entry.opencode.after(&plan).await;
        Ok(Written { value, opencode })
    }

    async fn apply<T, F>(&self, entry: &Arc<WsEntry>, actor: Actor, make: F) -> Result<(Plan, T)>
    where
        T: Send + 'static,
        F: Fn(&Workspace) -> Result<(Plan, T)> + Send + Sync + 'static,
    {
        // One plan per core at once: a burst of large writes does not make
        // every blocking thread hold one.
        let turn = self
            .plans
            .acquire()
            .await
            .map_err(|_| Error::new(Code::Internal, "the server is shutting down"))?;
        if self.settings.approval == ApprovalMode::Auto && !self.settings.read_only {
            // Plan and apply under one holding of the lock: no conflict possible.
            let gate = self.writes.clone().read_owned().await;
            let e = entry.clone();
            return blocking(move || {
                let _gate = gate;
                let mut extra = None;
                let (plan, _) = e.ws.write(&actor, |ws| {
                    let (plan, t) = make(ws)?;
                    extra = Some(t);
                    Ok(plan)
                })?;
                let extra = extra.ok_or_else(|| Error::new(Code::Internal, "no plan was made"))?;
                Ok((plan, extra))
            })
            .await;
        }

        let e = entry.clone();
        let (plan, extra, diff) = blocking(move || {
            let (plan, extra) = make(&e.ws)?;
            let diff = if plan.is_noop() {
                String::new()
            } else {
                plan.diff(e.ws.root())
            };
            Ok((plan, extra, diff))
        })
        .await?;
        drop(turn);
        if plan.is_noop() {
            return Ok((plan, extra));
        }
        if self.settings.read_only {
            return Err(Error::new(Code::ReadOnly, "Server is read-only"));
        }
        // What the write holds while it waits: its plan and its diff.
        let bytes = diff.len()
            + plan
                .edits
                .iter()
                .map(|e| {
                    e.before.as_ref().map_or(0, Vec::len) + e.after.as_ref().map_or(0, Vec::len)
                })
                .sum::<usize>();
        let mut request = ApprovalRequest {
            id: uuid::Uuid::new_v4().to_string(),
            workspace_id: plan.workspace_id.clone(),
            action: plan.action.clone(),
            summary: plan.summary.clone(),
            paths: plan
                .paths()
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            created_at: now_ms(),
            actor: actor.clone(),
            diff: String::new(),
            diff_cut: None,
            expires_at: now_ms() + self.settings.approval_timeout.as_millis() as u64,
        };
        let whole_diff = request.set_diff(diff);
        let ticket = self.approvals.request(request, whole_diff, bytes)?;
        let id = ticket.id().to_string();
        match ticket.wait().await {
            Outcome::Allowed(report) => {
                let gate = self.writes.clone().read_owned().await;
                let e = entry.clone();
                let plan = blocking(move || {
                    let _gate = gate;
                    // Reported from here, where the apply runs to its end
                    // even if the client goes away meanwhile.
                    let applied =
                        e.ws.lock()
                            .and_then(|lock| e.ws.apply(&lock, &plan, &actor));
                    report.send(&applied.as_ref().map(|_| ()).map_err(Clone::clone));
                    applied.map(|_| plan)
                })
                .await?;
                Ok((plan, extra))
            }
            Outcome::Denied(reason) => Err(denied(&id, reason)),
        }
    }
}
