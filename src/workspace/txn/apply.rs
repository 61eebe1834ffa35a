//! Applying plans under the lock: taking the lock (and finishing a write
//! a crash interrupted), reading under the shared lock, applying a plan
//! exactly or not at all, planning and applying in one holding of the
//! lock, and repairing what a killed writer left.

use super::audit::{self, Actor, AuditEntry};
use super::journal;
use super::lock::{self, LockGuard};
use super::plan::Plan;
use crate::workspace::{Workspace, io, now_ms, written};
use crate::{Code, Error, Result};
use serde_json::json;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// What `Workspace::apply` did.
#[derive(Debug, Clone)]
pub struct Applied {
    /// `None` for a no-op plan: nothing was written, not even the log.
    pub entry: Option<AuditEntry>,
}

/// Lets tests kill a writer after `done` files of a plan, as a crash
/// would (`OPENWORK_TEST_CRASH_AFTER_FILES`; only with the test-only
/// `fault-injection` feature).
#[cfg(feature = "fault-injection")]
fn crash_point(done: usize) {
    if std::env::var("OPENWORK_TEST_CRASH_AFTER_FILES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        == Some(done)
    {
        std::process::abort();
    }
}

#[cfg(not(feature = "fault-injection"))]
fn crash_point(_done: usize) {}

impl Workspace {
    /// Blocks until this process holds the workspace's lock, then finishes
    /// a write that a crash interrupted, if any (see [`super::journal`]).
    /// The state folder must be the workspace's own: a link there would
    /// make the lock file (and the audit log) land outside it.
    pub(crate) fn lock(&self) -> Result<LockGuard> {
        if self.is_global() {
            // The user-wide config folder and the state folder may not
            // exist before the first write.
            io::create_folder(self.root(), false)?;
            io::create_folder(self.state_root(), true)?;
        }
        let guard = lock::exclusive(self)?;
        journal::recover(self)?;
        Ok(guard)
    }

    /// Runs `f` with the lock held shared, so that it never sees half of a
    /// write (writes hold it exclusively while they apply). Creates
    /// nothing: before the first write there is no lock file, and nothing
    /// to wait for. A write a crash interrupted is left to the next write.
    pub fn read<T>(&self, f: impl FnOnce(&Workspace) -> Result<T>) -> Result<T> {
        let _guard = lock::shared(self)?;
        let _vouching = self.vouching();
        f(self)
    }

    /// Applies `plan` while `_lock` is held: every file must still hold its
    /// `before` bytes (else `conflict`, nothing written); then each file is
    /// replaced atomically and one audit entry appended.
    pub(crate) fn apply(&self, lock: &LockGuard, plan: &Plan, actor: &Actor) -> Result<Applied> {
        let mut syncs = io::Syncs::now();
        let applied = self.apply_owing(lock, plan, actor, &mut syncs)?;
        syncs.finish()?;
        Ok(applied)
    }

    /// What a plan must be to be applied: this workspace's, of openwork's
    /// own files only, reached through no link, and made over the bytes
    /// each file holds now (else `conflict`, nothing written).
    fn check(&self, plan: &Plan) -> Result<()> {
        if plan.workspace_id != self.id() {
            return Err(Error::new(
                Code::Internal,
                "plan belongs to another workspace",
            ));
        }
        if plan.is_noop() {
            return Ok(());
        }
        // The audit log is written too: never through a link.
        io::check_inside(self.state_root(), &self.audit_log())?;
        let mut changed = Vec::new();
        for edit in &plan.edits {
            io::check_inside(self.root(), &edit.path)?;
            // Only openwork's own files: the journal may name no other.
            let rel = edit.path.strip_prefix(self.root()).unwrap_or(&edit.path);
            if !written::allows(self.scope(), rel, edit.after.as_deref()) {
                return Err(Error::new(
                    Code::InvalidPath,
                    format!("openwork does not write {}", self.relative(&edit.path)),
                ));
            }
            if io::read_optional(&edit.path)? != edit.before {
                changed.push(edit.path.display().to_string());
            }
        }
        if !changed.is_empty() {
            return Err(Error::new(
                Code::Conflict,
                "the workspace changed since this write was planned; nothing was written, retry",
            )
            .with_details(json!({ "paths": changed })));
        }
        Ok(())
    }

    fn audit_entry(&self, plan: &Plan, actor: &Actor) -> AuditEntry {
        AuditEntry {
            id: uuid::Uuid::new_v4().to_string(),
            workspace_id: self.id().to_string(),
            actor: actor.clone(),
            action: plan.action.clone(),
            target: plan.target.clone(),
            summary: plan.summary.clone(),
            timestamp: now_ms(),
        }
    }

    /// [`Workspace::apply`], the syncs that make it durable owed to
    /// `syncs` (each replaced file's own bytes are synced before its
    /// rename whatever `syncs` says). A plan of several files keeps its
    /// journal's order: its files and log line are synced before the
    /// journal goes.
    fn apply_owing(
        &self,
        _lock: &LockGuard,
        plan: &Plan,
        actor: &Actor,
        syncs: &mut io::Syncs,
    ) -> Result<Applied> {
        self.check(plan)?;
        if plan.is_noop() {
            return Ok(Applied { entry: None });
        }
        let entry = self.audit_entry(plan, actor);
        // Several files: all or nothing, even across a crash.
        let journaled = journal::needed(&plan.edits);
        let mut now = io::Syncs::now();
        let syncs = if journaled {
            journal::begin(self, &plan.edits, &entry)?;
            &mut now
        } else {
            syncs
        };
        for (done, edit) in plan.edits.iter().enumerate() {
            crash_point(done);
            io::put(
                self.root(),
                &edit.path,
                edit.after.as_deref(),
                &self.dot_opencode(),
                self.may_hold_temps_of(&edit.path),
                syncs,
            )?;
        }
        for folder in &plan.folders {
            io::check_inside(self.root(), folder)?;
            io::remove_empty_folder(self.root(), folder, &self.dot_opencode());
        }
        audit::append(self, &entry, syncs)?;
        if journaled {
            journal::end(self)?;
        }
        Ok(Applied { entry: Some(entry) })
    }

    /// The files openwork writes that may have stale temporaries beside
    /// them: the two config files, `openwork.json`, the journal, every
    /// project skill's `SKILL.md` and every command file (present or only
    /// left as a temporary).
    fn temp_candidates(&self) -> Vec<PathBuf> {
        let mut out = vec![
            self.root().join("opencode.jsonc"),
            self.root().join("opencode.json"),
            self.openwork_config(),
            self.journal_file(),
        ];
        for dir in [self.skills_dir(), self.commands_dir()] {
            // Never through a link out of the workspace.
            if io::check_inside(self.root(), &dir).is_err() {
                continue;
            }
            let Ok(entries) = io::list(&dir) else {
                continue;
            };
            for entry in entries {
                if entry.kind == io::Kind::Folder {
                    out.push(dir.join(&entry.name).join("SKILL.md"));
                } else if let Some(base) = entry.name.to_str().and_then(io::temp_base) {
                    // `.review.md.XXXXXX` → `review.md`
                    out.push(dir.join(base));
                }
            }
        }
        out
    }

    /// Repairs what a writer killed mid-commit left (the server calls this
    /// when it starts): finishes its write if it was journaled (taking the
    /// lock does), and removes temporaries beside the files openwork
    /// writes. Takes the lock only when there is something to repair, so a
    /// clean workspace is not touched at all. Returns how many temporaries
    /// were removed.
    pub(crate) fn clean_stale_temps(&self) -> Result<usize> {
        let candidates = self.temp_candidates();
        if candidates.iter().all(|p| io::stale_temps(p).is_empty())
            && !io::exists(&self.journal_file())
        {
            return Ok(0);
        }
        let _lock = self.lock()?;
        Ok(candidates
            .iter()
            .map(|p| io::clean_stale_temps(self.root(), p))
            .sum())
    }

    /// Plans and applies under one holding of the lock, so the two cannot
    /// conflict: how the offline CLI and the server's auto mode write.
    ///
    /// Before the workspace's first write (no lock file of its own yet),
    /// or with a write a crash left to finish (a journal), a first plan is made
    /// without the lock: bad input and no-ops end there, so they create
    /// nothing, not even the lock file, and finish nothing. A write that
    /// does change something is planned again under the lock. Otherwise
    /// the plan is made once, under the lock: taking the lock of an
    /// existing lock file changes no file, so bad input and no-ops still
    /// change nothing.
    pub fn write(
        &self,
        actor: &Actor,
        mut make: impl FnMut(&Workspace) -> Result<Plan>,
    ) -> Result<(Plan, Applied)> {
        if !self.settled() {
            let first = make(self)?;
            if first.is_noop() {
                return Ok((first, Applied { entry: None }));
            }
        }
        let lock = self.lock()?;
        let plan = {
            let _vouching = self.vouching();
            make(self)?
        };
        let applied = self.apply(&lock, &plan, actor)?;
        Ok((plan, applied))
    }

    /// The workspace has its lock file and no write left to finish: a
    /// plan made under the lock changes nothing until it is applied.
    fn settled(&self) -> bool {
        let lock_file = self.lock_file();
        io::check_inside(self.state_root(), &lock_file).is_ok()
            && io::exists(&lock_file)
            && !io::exists(&self.journal_file())
    }

    /// Several writes, in order, under one holding of the lock: each is
    /// planned against what the ones before it left and checked as
    /// `Workspace::apply` checks, but they are made durable together
    /// (group commit). Writes that each replace the same existing file
    /// are folded in memory (`io::overlay`: the next one plans against
    /// the bytes the last one left) and written once, with their audit
    /// lines in one append; any other write first writes out what is
    /// folded, then applies with its folder and log syncs put off to the
    /// end. Nothing is returned before every write of the group is
    /// durable, so no caller answers early; a write that fails (bad input,
    /// a conflict) fails alone. Before the workspace's first write each
    /// goes through [`Workspace::write`] instead.
    pub fn write_group(&self, jobs: &mut [GroupWrite<'_>]) -> Vec<Result<(Plan, Applied)>> {
        if !self.settled() {
            return jobs
                .iter_mut()
                .map(|job| self.write(job.actor, &mut *job.make))
                .collect();
        }
        let lock = match self.lock() {
            Ok(lock) => lock,
            Err(e) => return jobs.iter().map(|_| Err(e.clone())).collect(),
        };
        let mut syncs = io::Syncs::later();
        let mut folded = Folded::default();
        let mut results = Vec::with_capacity(jobs.len());
        for job in jobs.iter_mut() {
            let planned = io::overlay::with(&folded.files, || {
                // Every change so far, the group's own writes included, seen.
                let _vouching = self.vouching();
                // A plan that panics fails alone: the group goes on.
                let made =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (job.make)(self)))
                        .unwrap_or_else(|_| {
                            Err(Error::new(Code::Internal, "planning the write failed"))
                        });
                let plan = made?;
                self.check(&plan)?;
                Ok(plan)
            });
            let result = planned.and_then(|plan| {
                if plan.is_noop() {
                    return Ok((plan, Applied { entry: None }));
                }
                if folded.takes(&plan) {
                    let entry = self.audit_entry(&plan, job.actor);
                    folded.add(&plan, entry.clone(), results.len());
                    return Ok((plan, Applied { entry: Some(entry) }));
                }
                self.write_out(&mut folded, &mut syncs, &mut results)?;
                let applied = self.apply_owing(&lock, &plan, job.actor, &mut syncs)?;
                Ok((plan, applied))
            });
            results.push(result);
        }
        // Under the lock still: no reader sees a write before it is durable.
        let durable = self
            .write_out(&mut folded, &mut syncs, &mut results)
            .and_then(|()| syncs.finish());
        if let Err(e) = durable {
            for result in &mut results {
                if result.as_ref().is_ok_and(|(_, a)| a.entry.is_some()) {
                    *result = Err(e.clone());
                }
            }
        }
        drop(lock);
        results
    }

    /// Writes out what `folded` holds (its file, then its audit lines in
    /// one append), syncs owed to `syncs`. If that fails, the writes it
    /// held fail with it (their `results` say so), and so does the caller.
    fn write_out(
        &self,
        folded: &mut Folded,
        syncs: &mut io::Syncs,
        results: &mut [Result<(Plan, Applied)>],
    ) -> Result<()> {
        let folded = std::mem::take(folded);
        let Some((path, bytes)) = folded.files.into_iter().next() else {
            return Ok(());
        };
        let written = io::put(
            self.root(),
            &path,
            Some(&bytes),
            &self.dot_opencode(),
            self.may_hold_temps_of(&path),
            syncs,
        )
        .and_then(|()| audit::append_all(self, &folded.entries, syncs));
        if let Err(e) = &written {
            for &i in &folded.jobs {
                results[i] = Err(e.clone());
            }
        }
        written
    }
}

/// Writes of a group folded in memory: the one file they replace, with
/// the bytes the last of them left, and their audit entries.
#[derive(Default)]
struct Folded {
    files: HashMap<PathBuf, Arc<[u8]>>,
    entries: Vec<AuditEntry>,
    /// Their places among the group's results.
    jobs: Vec<usize>,
}

impl Folded {
    /// Whether `plan` folds in: it replaces one existing file, and no
    /// other file is folded (so writing out stays one atomic rename, and
    /// a crash leaves a prefix of the group's writes).
    fn takes(&self, plan: &Plan) -> bool {
        match (&plan.edits[..], plan.folders.is_empty()) {
            ([edit], true) => {
                edit.before.is_some()
                    && edit.after.is_some()
                    && (self.files.is_empty() || self.files.contains_key(&edit.path))
            }
            _ => false,
        }
    }

    fn add(&mut self, plan: &Plan, entry: AuditEntry, job: usize) {
        for edit in &plan.edits {
            if let Some(after) = &edit.after {
                self.files
                    .insert(edit.path.clone(), Arc::from(after.as_slice()));
            }
        }
        self.entries.push(entry);
        self.jobs.push(job);
    }
}

/// One write of [`Workspace::write_group`]: who makes it, and its plan.
pub struct GroupWrite<'a> {
    pub actor: &'a Actor,
    /// Makes the plan under the lock (before the workspace's first write,
    /// once without it too, as [`Workspace::write`] does).
    pub make: &'a mut (dyn FnMut(&Workspace) -> Result<Plan> + Send),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::plugins;

    /// Before the first write a write plans twice (without the lock, then
    /// under it); once the lock file exists, once, under the lock. Either
    /// way a no-op and bad input change no file.
    #[test]
    fn a_write_plans_once_when_the_lock_file_exists() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap().with_global(None);
        let files = |ws: &Workspace| {
            [ws.opencode_config(), ws.audit_log(), ws.lock_file()].map(|p| std::fs::read(p).ok())
        };
        // The write's outcome, and how many times it planned.
        let counted = |spec: &'static str| {
            let mut n = 0;
            let result = ws.write(&Actor::cli(), |ws| {
                n += 1;
                plugins::plan_add(ws, spec, plugins::OnListed::Keep)
            });
            let outcome = result.map(|(_, applied)| applied.entry.is_some());
            (outcome.map_err(|e| e.code), n)
        };
        let (result, calls) = counted("");
        assert!(result.is_err());
        assert_eq!(calls, 1);
        assert!(!ws.dot_opencode().exists(), "bad input creates nothing");
        assert_eq!(
            counted("a"),
            (Ok(true), 2),
            "the first write plans without the lock first"
        );
        assert_eq!(counted("b"), (Ok(true), 1), "then once, under the lock");
        let before = files(&ws);
        assert_eq!(counted("b"), (Ok(false), 1));
        assert!(counted("").0.is_err());
        assert_eq!(files(&ws), before, "a no-op and bad input change nothing");
        assert_eq!(audit::tail(&ws.audit_log(), 10).unwrap().len(), 2);
    }

    /// A group applies every write in order, each planned against the
    /// ones before it: plugin adds folded into one rename, a command file
    /// (a new file: not folded) between them, a no-op and bad input
    /// failing alone, a plan that panics failing alone, a stale approved
    /// plan refused; one audit line per
    /// write that changed something, and the files as the writes one by
    /// one would leave them.
    #[test]
    fn a_group_applies_each_write_as_if_alone() {
        use crate::workspace::commands::{self, CommandInput};
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap().with_global(None);
        let actor = Actor::cli();
        // The first write: the group has a lock file to hold.
        ws.write(&actor, |ws| {
            plugins::plan_add(ws, "first", plugins::OnListed::Keep)
        })
        .unwrap();
        let stale = plugins::plan_add(&ws, "stale", plugins::OnListed::Keep).unwrap();
        let add = |spec: &'static str| {
            move |ws: &Workspace| plugins::plan_add(ws, spec, plugins::OnListed::Keep)
        };
        let mut a = add("a");
        let mut b = add("b");
        let mut again = add("a");
        let mut bad = add("");
        let mut command = |ws: &Workspace| {
            commands::plan_upsert(
                ws,
                &CommandInput {
                    name: "review".into(),
                    template: "Review it".into(),
                    description: None,
                    agent: None,
                    model: None,
                    variant: None,
                    subtask: None,
                },
            )
        };
        let mut c = add("c");
        let mut panics = |_: &Workspace| -> Result<Plan> { panic!("a bug in a plan") };
        let mut approved = move |_: &Workspace| Ok(stale.clone());
        let mut jobs = [
            GroupWrite {
                actor: &actor,
                make: &mut a,
            },
            GroupWrite {
                actor: &actor,
                make: &mut b,
            },
            GroupWrite {
                actor: &actor,
                make: &mut again,
            },
            GroupWrite {
                actor: &actor,
                make: &mut bad,
            },
            GroupWrite {
                actor: &actor,
                make: &mut command,
            },
            GroupWrite {
                actor: &actor,
                make: &mut c,
            },
            GroupWrite {
                actor: &actor,
                make: &mut panics,
            },
            GroupWrite {
                actor: &actor,
                make: &mut approved,
            },
        ];
        let results = ws.write_group(&mut jobs);
        let outcome: Vec<_> = results
            .iter()
            .map(|r| {
                r.as_ref()
                    .map(|(_, a)| a.entry.is_some())
                    .map_err(|e| e.code)
            })
            .collect();
        assert_eq!(
            outcome,
            [
                Ok(true),
                Ok(true),
                Ok(false),
                Err(Code::InvalidPluginSpec),
                Ok(true),
                Ok(true),
                Err(Code::Internal),
                Err(Code::Conflict),
            ]
        );
        let config = std::fs::read_to_string(ws.opencode_config()).unwrap();
        let listed: Vec<&str> = ["first", "a", "b", "c", "stale"]
            .into_iter()
            .filter(|p| config.contains(&format!("\"{p}\"")))
            .collect();
        assert_eq!(listed, ["first", "a", "b", "c"]);
        assert!(ws.commands_dir().join("review.md").is_file());
        let log = audit::tail(&ws.audit_log(), 10).unwrap();
        let summaries: Vec<&str> = log.iter().rev().map(|e| e.summary.as_str()).collect();
        assert_eq!(
            summaries,
            [
                "Add plugin first",
                "Add plugin a",
                "Add plugin b",
                "Add command review",
                "Add plugin c"
            ]
        );
    }

    /// What a writer killed between linking its temporary and renaming it
    /// leaves is removed; a clean workspace is not touched (no lock file).
    #[test]
    fn stale_temps_of_every_written_file_are_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap().with_global(None);
        assert_eq!(ws.clean_stale_temps().unwrap(), 0);
        assert!(
            !ws.dot_opencode().exists(),
            "a clean workspace is untouched"
        );

        let keep = [
            "opencode.jsonc",
            ".opencode/skills/s/SKILL.md",
            ".opencode/commands/review.md",
            ".opencode/commands/.hidden.md",
            ".opencode/notes.txt.aB3xY9",
        ];
        let stale = [
            ".opencode.jsonc.aB3xY9",
            ".opencode.json.Zz0Zz0",
            ".opencode/.openwork.json.q1w2e3",
            ".opencode/skills/s/.SKILL.md.r4t5y6",
            ".opencode/commands/.review.md.u7i8o9",
            ".opencode/commands/.gone.md.p0o9i8",
            // A writer killed while it wrote the journal.
            ".opencode/openwork/.journal.json.Ab12Cd",
        ];
        for rel in keep.iter().chain(&stale) {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        assert_eq!(ws.clean_stale_temps().unwrap(), stale.len());
        for rel in keep {
            assert!(dir.path().join(rel).exists(), "{rel} was removed");
        }
        for rel in stale {
            assert!(!dir.path().join(rel).exists(), "{rel} is left");
        }
    }
}
