//! Every remote write: plan → (no-op? answer) → read-only? → approval →
//! apply → the workspace's OpenCode asked to reload. In manual mode the
//! plan the host approved is exactly the one applied; a write applies
//! under the workspace lock, on the blocking pool (it fsyncs), holding the
//! server's write gate so that shutdown waits for it.

use super::approvals::{Outcome, denied};
use super::committer::{Committer, Make, Then};
use super::models::ApprovalRequest;
use super::opencode::Reload;
use super::reads::{Read, blocking};
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
        answer: Option<Read>,
        make: F,
    ) -> Result<Written<()>>
    where
        F: Fn(&Workspace) -> Result<Plan> + Send + Sync + 'static,
    {
        self.write(entry, actor, answer, move |ws| Ok((make(ws)?, ())))
            .await
    }

    /// Plan → (no-op? answer) → read-only? → approval → apply
    /// (docs/api.md#order-of-checks), then the workspace's OpenCode asked
    /// to reload.
    /// `make` may run twice in auto mode, before the workspace's first
    /// write (never in manual mode, where the plan the host approved is
    /// exactly the one applied). Either way the apply joins the writes
    /// waiting for the workspace's lock ([`Committer`]), which builds
    /// `answer`, the read the answer will carry, as soon as the write is
    /// durable: the answer then comes from the memo.
    pub async fn write<T, F>(
        &self,
        entry: &Arc<WsEntry>,
        actor: Actor,
        answer: Option<Read>,
        make: F,
    ) -> Result<Written<T>>
    where
        T: Send + 'static,
        F: Fn(&Workspace) -> Result<(Plan, T)> + Send + Sync + 'static,
    {
        let (plan, value) = self.apply(entry, actor, answer, make).await?;
        let opencode = entry.opencode.after(&plan).await;
        Ok(Written { value, opencode })
    }

    async fn apply<T, F>(
        &self,
        entry: &Arc<WsEntry>,
        actor: Actor,
        answer: Option<Read>,
        make: F,
    ) -> Result<(Plan, T)>
    where
        T: Send + 'static,
        F: Fn(&Workspace) -> Result<(Plan, T)> + Send + Sync + 'static,
    {
        if self.settings.approval == ApprovalMode::Auto && !self.settings.read_only {
            // Planned and applied under one holding of the lock, in a
            // group with the writes waiting beside it: no conflict possible.
            let gate = self.writes.clone().read_owned().await;
            let extra = Arc::new(std::sync::Mutex::new(None));
            let slot = extra.clone();
            let make: Make = Box::new(move |ws| {
                let (plan, t) = make(ws)?;
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(t);
                Ok(plan)
            });
            let (plan, _) =
                Committer::write(&self.plans, entry, gate, actor, make, None, answer).await?;
            let extra = extra.lock().unwrap_or_else(|p| p.into_inner()).take();
            let extra = extra.ok_or_else(|| Error::new(Code::Internal, "no plan was made"))?;
            return Ok((plan, extra));
        }

        // One plan per core at once: a burst of large writes does not make
        // every blocking thread hold one.
        let turn = self
            .plans
            .acquire()
            .await
            .map_err(|_| Error::new(Code::Internal, "the server is shutting down"))?;
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
                // Applied only over the bytes it was planned over.
                let approved = plan.clone();
                let make: Make = Box::new(move |_| Ok(approved.clone()));
                // Reported by the committer, where the apply runs to its
                // end even if the client goes away meanwhile.
                let then: Then = Box::new(move |applied| report.send(applied));
                Committer::write(&self.plans, entry, gate, actor, make, Some(then), answer).await?;
                Ok((plan, extra))
            }
            Outcome::Denied(reason) => Err(denied(&id, reason)),
        }
    }
}
