//! `openwork audit`.

use super::{CmdResult, Ctx};
use clap::Args;
use serde_json::json;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  openwork audit\n  openwork --json audit --limit 200 | jq -r '.items[].summary'\n  openwork audit --global   # writes made with --global"
)]
pub struct AuditArgs {
    /// How many entries, newest first.
    #[arg(long, short = 'n', default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub limit: u64,
    /// The log of the user-wide OpenCode config's writes (kept in openwork's state folder).
    #[arg(long)]
    pub global: bool,
}

pub fn run(ctx: &Ctx, args: AuditArgs) -> CmdResult {
    let ws = ctx.workspace_for(args.global)?;
    let items = ws.read(|ws| ws.audit_tail(args.limit as usize))?;
    if ctx.out.json {
        ctx.out.print_json(&json!({ "items": items }));
        return Ok(());
    }
    let rows = items
        .iter()
        .map(|e| {
            let who = match (&e.actor.client_id, &e.actor.token_hash) {
                (Some(c), _) => format!("{} ({c})", e.actor.kind),
                (None, Some(h)) => format!("{} ({}…)", e.actor.kind, &h[..h.len().min(8)]),
                _ => e.actor.kind.clone(),
            };
            vec![
                format_time(e.timestamp),
                who,
                e.action.clone(),
                e.summary.clone(),
            ]
        })
        .collect();
    ctx.out.table(
        &["TIME (UTC)", "ACTOR", "ACTION", "SUMMARY"],
        rows,
        "The audit log is empty.",
    );
    Ok(())
}

/// `YYYY-MM-DD HH:MM:SS` in UTC, from milliseconds since the epoch.
pub fn format_time(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_utc() {
        assert_eq!(super::format_time(0), "1970-01-01 00:00:00");
        assert_eq!(super::format_time(1_764_085_849_000), "2025-11-25 15:50:49");
    }
}
