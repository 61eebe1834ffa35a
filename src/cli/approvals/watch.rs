//! `openwork approvals watch`: follows the server's event stream.
//!
//! On a terminal it shows each request (action, workspace, client, id,
//! files, diff) and asks allow / deny / skip with one key. The prompt is
//! drawn here rather than by a blocking dialoguer prompt because it must be
//! withdrawn when the request is answered elsewhere or times out: a thread
//! reads keys (console, dialoguer's terminal layer) into a channel, each
//! stamped with when it was typed, and one loop handles keys, events and
//! the countdown. Elsewhere, or with `--json`, it prints one JSON event per
//! line and never prompts.
//!
//! What the host reads is what it decides (docs/guarantees.md#the-host-sees-what-it-approves):
//! - every text from the server goes through [`openwork::display`];
//! - a key counts only for the request that was on screen when it was
//!   typed, and only [`KEY_GUARD`] after that request was drawn: keys typed
//!   ahead, or while a withdrawn request was replaced by the next, are
//!   dropped;
//! - the prompt line itself names the request (id, action, client), and a
//!   diff taller than the terminal is cut to fit, `v` showing all of it,
//!   so the header never scrolls away from the question;
//! - an allow whose write did not land says so.

use super::client::{Client, WorkspaceName};
use super::sse::SseParser;
use super::{ServerArgs, WatchArgs, discover, not_written, paths_of, short, str_of};
use crate::cli::{CmdResult, Ctx, Failure};
use dialoguer::console::{Key, Term};
use futures_util::StreamExt;
use openwork::display;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Write;
use std::time::{Duration, Instant};

const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// Keys typed sooner than this after a request was drawn are ignored: no
/// one reads a request that fast, and a key queued for the one before
/// must not decide this one.
pub const KEY_GUARD: Duration = Duration::from_millis(400);

/// A key and when it was read.
type Stamped = (Key, Instant);

struct Ui<'a> {
    ctx: &'a Ctx,
    interactive: bool,
    auto: Option<bool>,
    actions: Vec<String>,
    names: HashMap<String, WorkspaceName>,
    /// Requests waiting for an answer here; the front one is being asked.
    queue: VecDeque<Value>,
    prompt_shown: bool,
    /// When the front request was drawn: keys read before `drawn + KEY_GUARD` are dropped.
    drawn: Instant,
    /// Ids answered by this terminal (their `resolved` events are ours).
    answered: HashSet<String>,
    /// Ids skipped here, with their action: their outcome is still shown.
    skipped: HashMap<String, String>,
    /// The stream said the server is shutting down.
    shutting_down: bool,
}

impl<'a> Ui<'a> {
    /// Writes whole lines; on a terminal in raw mode a newline needs its `\r`.
    fn lines(&mut self, text: &str) {
        let mut out = std::io::stdout().lock();
        if self.interactive {
            if self.prompt_shown {
                let _ = write!(out, "\r\x1b[2K");
            }
            for line in text.trim_end_matches('\n').split('\n') {
                let _ = write!(out, "{line}\r\n");
            }
        } else {
            let _ = writeln!(out, "{}", text.trim_end_matches('\n'));
        }
        let _ = out.flush();
        if self.interactive && self.prompt_shown {
            self.prompt_shown = false;
            self.draw_prompt();
        }
    }

    fn json_line(&self, value: &Value) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", display::json(&value.to_string()));
        let _ = out.flush();
    }

    fn status(&mut self, msg: &str) {
        if self.interactive || !self.ctx.out.json {
            let line = self.ctx.out.dim(&display::line(msg));
            if self.interactive {
                self.lines(&line);
            } else {
                eprintln!("{}", display::line(msg));
            }
        }
    }

    fn ws_name(&self, item: &Value) -> String {
        let id = str_of(item, "workspaceId");
        let name = self
            .names
            .get(id)
            .map_or_else(|| id.to_string(), |w| w.name.clone());
        display::line(&name).into_owned()
    }

    fn ws_root(&self, item: &Value) -> Option<String> {
        self.names
            .get(str_of(item, "workspaceId"))
            .map(|w| w.path.clone())
    }

    fn seconds_left(item: &Value) -> Option<i64> {
        let expires = item.get("expiresAt").and_then(Value::as_u64)?;
        Some((expires as i64 - openwork::workspace::now_ms() as i64) / 1000)
    }

    /// `phone-1 (remote)`, or the actor's type alone.
    fn who(item: &Value) -> String {
        let actor = item.get("actor").cloned().unwrap_or(Value::Null);
        let who = match (str_of(&actor, "clientId"), str_of(&actor, "type")) {
            ("", kind) => kind.to_string(),
            (client, kind) => format!("{client} ({kind})"),
        };
        display::line(&who).into_owned()
    }

    /// The question, on one line that names the request:
    /// `Allow 3f2a1b2c plugins.add from phone-1 (remote)? [a]llow [d]eny [s]kip [v]iew diff  (12s left)`.
    fn draw_prompt(&mut self) {
        let Some(current) = self.queue.front() else {
            return;
        };
        let mut extra = Vec::new();
        if let Some(left) = Self::seconds_left(current) {
            extra.push(format!("{}s left", left.max(0)));
        }
        if self.queue.len() > 1 {
            extra.push(format!("{} more waiting", self.queue.len() - 1));
        }
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!("  ({})", extra.join(", "))
        };
        let what = format!(
            "Allow {} {} from {}?",
            short(str_of(current, "id")),
            cut(&display::line(str_of(current, "action")), 40),
            cut(&Self::who(current), 40),
        );
        let keys = " [a]llow [d]eny [s]kip [v]iew diff";
        // One line, never wrapped: a wrapped prompt cannot be redrawn in place.
        let width = usize::from(Term::stdout().size().1).max(20) - 1;
        let plain = cut(&format!("  {what}{keys}{extra}"), width);
        let text = match plain.strip_prefix(&format!("  {what}")) {
            Some(rest) => format!(
                "  {}{}",
                self.ctx.out.paint("\x1b[1m", &what),
                self.ctx.out.dim(rest)
            ),
            None => plain,
        };
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "\r\x1b[2K{text}");
        let _ = out.flush();
        self.prompt_shown = true;
    }

    /// The lines above the prompt: what, where, from whom, which files.
    fn header(&self, item: &Value) -> String {
        let root = self.ws_root(item);
        let paths: Vec<String> = paths_of(item, root.as_deref())
            .iter()
            .map(|p| display::line(p).into_owned())
            .collect();
        format!(
            "{} {} in {} from {}  [{}]\n  {}\n  files: {}\n",
            self.ctx.out.paint("\x1b[1;33m", "●"),
            self.ctx
                .out
                .paint("\x1b[1m", &display::line(str_of(item, "action"))),
            self.ws_name(item),
            Self::who(item),
            display::line(str_of(item, "id")),
            display::line(str_of(item, "summary")),
            paths.join(", "),
        )
    }

    /// Prints the request at the front of the queue and asks about it:
    /// its diff cut to what the terminal holds below the header.
    fn show_front(&mut self, keys: &mut Option<tokio::sync::mpsc::Receiver<Stamped>>) {
        let Some(item) = self.queue.front().cloned() else {
            return;
        };
        let header = self.header(&item);
        let diff = str_of(&item, "diff");
        let lines: Vec<String> = self
            .ctx
            .out
            .diff(diff)
            .lines()
            .map(str::to_string)
            .collect();
        let rows = usize::from(Term::stdout().size().0);
        // Header (4 lines with the blank before it), a "more" line, the prompt.
        let room = rows.saturating_sub(header.lines().count() + 3).max(4);
        let mut text = format!("\n{header}");
        let shown = if lines.len() > room {
            room - 1
        } else {
            lines.len()
        };
        for line in &lines[..shown] {
            text.push_str("  ");
            text.push_str(line);
            text.push('\n');
        }
        if shown < lines.len() {
            text.push_str(&self.ctx.out.dim(&format!(
                "  … {} more lines of the diff: press v to see all {}\n",
                lines.len() - shown,
                lines.len()
            )));
        }
        self.lines(&text);
        self.drawn = Instant::now();
        // Keys typed before this request was on screen were not meant for it.
        if let Some(rx) = keys.as_mut() {
            while rx.try_recv().is_ok() {}
        }
        self.draw_prompt();
    }

    /// `v`: the whole diff, then the header again, right above the question.
    fn show_whole_diff(&mut self) {
        let Some(item) = self.queue.front().cloned() else {
            return;
        };
        let mut text = String::new();
        for line in self.ctx.out.diff(str_of(&item, "diff")).lines() {
            text.push_str("  ");
            text.push_str(line);
            text.push('\n');
        }
        text.push_str(&self.header(&item));
        self.lines(&text);
    }

    fn clear_prompt(&mut self) {
        if self.prompt_shown {
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "\r\x1b[2K");
            let _ = out.flush();
            self.prompt_shown = false;
        }
    }

    /// The front request is done: say how, then ask about the next one.
    fn finish_front(
        &mut self,
        outcome: &str,
        keys: &mut Option<tokio::sync::mpsc::Receiver<Stamped>>,
    ) {
        self.clear_prompt();
        self.queue.pop_front();
        let line = format!("  → {outcome}");
        self.lines(&line);
        if !self.queue.is_empty() {
            self.show_front(keys);
        }
    }

    fn matches_filter(&self, item: &Value) -> bool {
        self.actions.is_empty()
            || self
                .actions
                .iter()
                .any(|a| a == "*" || a == str_of(item, "action"))
    }

    /// How a request ended, in words, from its `approval.resolved` event.
    fn how(&self, data: &Value, here: bool) -> String {
        let root = None::<&str>;
        match (
            data.get("allowed").and_then(Value::as_bool),
            str_of(data, "reason"),
        ) {
            (Some(true), _) => {
                let by = if here { "allowed" } else { "allowed elsewhere" };
                match not_written(data, root) {
                    Some(why) => format!("{by}, but not written: {why}"),
                    None => by.to_string(),
                }
            }
            (_, "timeout") => "timed out: denied".to_string(),
            (_, "shutdown") => "denied: the server shut down".to_string(),
            (_, "withdrawn") => "withdrawn by the client".to_string(),
            _ if here => "denied".to_string(),
            _ => "denied elsewhere".to_string(),
        }
    }

    async fn on_event(
        &mut self,
        client: &Client,
        event: &str,
        data: Value,
        keys: &mut Option<tokio::sync::mpsc::Receiver<Stamped>>,
    ) {
        if !self.interactive {
            self.json_line(&json!({ "event": event, "data": data }));
        }
        match event {
            "approval.requested" => {
                if let Some(allow) = self.auto.filter(|_| self.matches_filter(&data)) {
                    self.auto_decide(client, &data, allow).await;
                } else if self.interactive
                    && !self
                        .queue
                        .iter()
                        .any(|q| str_of(q, "id") == str_of(&data, "id"))
                {
                    self.queue.push_back(data);
                    if self.queue.len() == 1 {
                        self.show_front(keys);
                    } else {
                        self.draw_prompt();
                    }
                }
            }
            "approval.resolved" => {
                let id = str_of(&data, "id").to_string();
                if self.answered.remove(&id) || !self.interactive {
                    return;
                }
                let how = self.how(&data, false);
                if self.queue.front().is_some_and(|q| str_of(q, "id") == id) {
                    self.finish_front(&how, keys);
                } else if let Some(pos) = self.queue.iter().position(|q| str_of(q, "id") == id) {
                    // Answered elsewhere while another request is asked.
                    let item = self.queue.remove(pos).unwrap_or(Value::Null);
                    let line = format!(
                        "  {} {} (waiting here): {how}",
                        short(&id),
                        display::line(str_of(&item, "action"))
                    );
                    self.lines(&line);
                    self.draw_prompt();
                } else if let Some(action) = self.skipped.remove(&id) {
                    let line = format!("  {} {action} (skipped): {how}", short(&id));
                    self.lines(&line);
                }
            }
            "server.shutdown" => self.shutting_down = true,
            _ => {}
        }
    }

    async fn auto_decide(&mut self, client: &Client, item: &Value, allow: bool) {
        let id = str_of(item, "id").to_string();
        self.answered.insert(id.clone());
        let result = client.reply(&id, allow).await;
        let verb = if allow { "allowed" } else { "denied" };
        let root = self.ws_root(item);
        let failed = result
            .as_ref()
            .ok()
            .and_then(|a| allow.then(|| not_written(a, root.as_deref())).flatten());
        if self.interactive
            || !self.ctx.out.json && std::io::IsTerminal::is_terminal(&std::io::stdout())
        {
            let line = match (&result, &failed) {
                (Ok(_), None) => format!(
                    "{verb} {} {}: {}",
                    short(&id),
                    display::line(str_of(item, "action")),
                    display::line(str_of(item, "summary"))
                ),
                (Ok(_), Some(why)) => format!(
                    "allowed {} {}, but not written: {why}",
                    short(&id),
                    display::line(str_of(item, "action")),
                ),
                (Err(f), _) => format!("could not answer {}: {}", short(&id), f.message),
            };
            self.lines(&line);
        } else {
            let written = result
                .as_ref()
                .ok()
                .and_then(|a| a.get("written"))
                .cloned()
                .unwrap_or(Value::Bool(false));
            self.json_line(&json!({
                "event": "decision",
                "data": { "id": id, "action": str_of(item, "action"), "allowed": allow, "ok": result.is_ok(), "written": written },
            }));
        }
    }

    /// One key; `false` to quit.
    async fn on_key(
        &mut self,
        client: &Client,
        (key, at): Stamped,
        keys: &mut Option<tokio::sync::mpsc::Receiver<Stamped>>,
    ) -> bool {
        if matches!(key, Key::CtrlC | Key::Char('q')) {
            return false;
        }
        let Some(current) = self.queue.front().cloned() else {
            return true;
        };
        // Typed before this request was on screen, or too soon after.
        if at < self.drawn + KEY_GUARD {
            return true;
        }
        let id = str_of(&current, "id").to_string();
        let allow = match key {
            Key::Char('a' | 'A') => true,
            Key::Char('d' | 'D') => false,
            Key::Char('v' | 'V') => {
                self.show_whole_diff();
                return true;
            }
            Key::Char('s' | 'S') => {
                self.skipped.insert(
                    id.clone(),
                    display::line(str_of(&current, "action")).into_owned(),
                );
                self.finish_front(
                    &format!(
                        "skipped: still pending (openwork approvals allow {})",
                        short(&id)
                    ),
                    keys,
                );
                return true;
            }
            _ => return true,
        };
        self.answered.insert(id.clone());
        // Not drawn over while the answer is on its way.
        self.clear_prompt();
        let root = self.ws_root(&current);
        match client.reply(&id, allow).await {
            Ok(answer) => {
                let outcome = match (allow, not_written(&answer, root.as_deref())) {
                    (true, Some(why)) => format!("allowed, but not written: {why}"),
                    (true, None) => "allowed".to_string(),
                    (false, _) => "denied".to_string(),
                };
                self.finish_front(&outcome, keys);
            }
            Err(f) => {
                self.answered.remove(&id);
                let msg = f.message.clone();
                self.finish_front(&format!("not answered: {msg}"), keys);
            }
        }
        true
    }
}

/// `text` cut to `max` characters, with `…` when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn spawn_key_reader() -> tokio::sync::mpsc::Receiver<Stamped> {
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    std::thread::spawn(move || {
        let term = Term::stdout();
        while let Ok(key) = term.read_key() {
            if tx.blocking_send((key, Instant::now())).is_err() {
                break;
            }
        }
    });
    rx
}

/// Ctrl-C (SIGINT), listened to from the start: `tokio::signal::ctrl_c()`
/// installs its handler only when first polled, so a Ctrl-C right after
/// "Watching …" is printed killed the process with the default action
/// (no clean exit 0) — a race `approvals_cli::ctrl_c_ends_watch_with_exit_0`
/// hit now and then.
struct Interrupt {
    #[cfg(unix)]
    sigint: Option<tokio::signal::unix::Signal>,
}

impl Interrupt {
    fn listen() -> Interrupt {
        Interrupt {
            #[cfg(unix)]
            sigint: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok(),
        }
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        if let Some(s) = self.sigint.as_mut() {
            s.recv().await;
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn next_key(keys: &mut Option<tokio::sync::mpsc::Receiver<Stamped>>) -> Option<Stamped> {
    match keys.as_mut() {
        Some(k) => k.recv().await,
        None => std::future::pending().await,
    }
}

pub async fn run(
    ctx: &Ctx,
    client: Client,
    server: ServerArgs,
    args: WatchArgs,
    interactive: bool,
) -> CmdResult {
    let mut interrupt = Interrupt::listen();
    let mut client = client;
    // Not reaching the server at all is an error; losing it later is not.
    let mut resp = client.events().await?;
    let auto = if args.allow_all {
        Some(true)
    } else if args.deny_all {
        Some(false)
    } else {
        None
    };
    let mut ui = Ui {
        ctx,
        interactive: interactive && auto.is_none(),
        auto,
        actions: args.actions,
        names: client.workspaces().await,
        queue: VecDeque::new(),
        prompt_shown: false,
        drawn: Instant::now(),
        answered: HashSet::new(),
        skipped: HashMap::new(),
        shutting_down: false,
    };
    let mut keys = if ui.interactive {
        Some(spawn_key_reader())
    } else {
        None
    };
    ui.status(&format!(
        "Watching {} for write requests{}. Ctrl-C to stop.",
        client.target.url,
        match auto {
            Some(true) => " (allowing them)",
            Some(false) => " (denying them)",
            None => "",
        }
    ));
    let give_up = Duration::from_secs(args.reconnect_timeout);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        let mut parser = SseParser::default();
        let mut stream = resp.bytes_stream();
        loop {
            tokio::select! {
                chunk = stream.next() => match chunk {
                    Some(Ok(bytes)) => {
                        for ev in parser.push(&bytes) {
                            let data: Value = serde_json::from_str(&ev.data).unwrap_or(Value::Null);
                            ui.on_event(&client, &ev.event, data, &mut keys).await;
                        }
                    }
                    _ => break,
                },
                Some(key) = next_key(&mut keys) => {
                    if !ui.on_key(&client, key, &mut keys).await {
                        ui.clear_prompt();
                        return Ok(());
                    }
                }
                _ = tick.tick() => if ui.prompt_shown { ui.draw_prompt(); },
                _ = interrupt.recv() => { ui.clear_prompt(); return Ok(()); }
            }
        }
        // The server went away (restart, shutdown): everything pending there is gone.
        let gone = if ui.shutting_down {
            "the server shut down"
        } else {
            "the connection to the server was lost"
        };
        if !ui.queue.is_empty() {
            ui.clear_prompt();
            ui.queue.clear();
            ui.lines(&format!("  → withdrawn: {gone}"));
        }
        ui.shutting_down = false;
        let old = client.target.clone();
        ui.status(&format!(
            "{} at {}; waiting up to {}s for it{}…",
            capitalized(gone),
            old.url,
            give_up.as_secs(),
            if old.from_pairing {
                " (or a server for the same workspaces)"
            } else {
                ""
            }
        ));
        let deadline = Instant::now() + give_up;
        let mut backoff = Duration::from_millis(500);
        resp = loop {
            if Instant::now() >= deadline {
                ui.clear_prompt();
                let why = if old.from_pairing {
                    "no openwork server for the same workspaces is running (no pairing file)"
                } else {
                    "it does not answer"
                };
                return Err(Failure::runtime(format!(
                    "stopped watching {}: {why} after {}s",
                    old.url,
                    give_up.as_secs()
                ))
                .with_hint("start `openwork serve` again, then `openwork approvals watch`"));
            }
            tokio::select! {
                _ = tokio::time::sleep(backoff.min(deadline.saturating_duration_since(Instant::now()))) => {}
                _ = interrupt.recv() => return Ok(()),
                Some((key, _)) = next_key(&mut keys) => {
                    if matches!(key, Key::CtrlC | Key::Char('q')) { return Ok(()); }
                }
            }
            backoff = (backoff * 2).min(MAX_BACKOFF);
            // A server found by its pairing file is followed to the new
            // pairing file of its workspaces, never tried at its old port
            // once that file is gone: someone else may listen there now.
            let next = if old.from_pairing {
                discover::follow(&old, &server, &ctx.out)
            } else {
                Some(old.clone())
            };
            let Some(target) = next else { continue };
            let Ok(candidate) = Client::new(target) else {
                continue;
            };
            // The handshake runs first: a server that cannot prove it holds
            // the host token never gets it.
            match candidate.events().await {
                Ok(r) => {
                    client = candidate;
                    break r;
                }
                Err(f) if f.status == crate::cli::ExitStatus::Auth => ui.status(&f.message),
                Err(_) => {}
            }
        };
        ui.names = client.workspaces().await;
        ui.status(&format!("Reconnected to {}.", client.target.url));
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
