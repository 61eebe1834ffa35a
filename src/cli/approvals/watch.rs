//! `openwork approvals watch`: follows the server's event stream.
//!
//! On a terminal it shows each request (action, workspace, client, files,
//! diff) and asks allow / deny / skip with one key. The prompt is drawn
//! here rather than by a blocking dialoguer prompt because it must be
//! withdrawn when the request is answered elsewhere or times out: a thread
//! reads keys (console, dialoguer's terminal layer) into a channel, and one
//! loop handles keys, events and the countdown. Elsewhere, or with
//! `--json`, it prints one JSON event per line and never prompts.

use super::client::{Client, WorkspaceName};
use super::sse::SseParser;
use super::{ServerArgs, WatchArgs, discover, paths_of, str_of};
use crate::cli::{CmdResult, Ctx};
use dialoguer::console::{Key, Term};
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Write;
use std::time::Duration;

const MAX_BACKOFF: Duration = Duration::from_secs(10);

struct Ui<'a> {
    ctx: &'a Ctx,
    interactive: bool,
    auto: Option<bool>,
    actions: Vec<String>,
    names: HashMap<String, WorkspaceName>,
    /// Requests waiting for an answer here; the front one is being asked.
    queue: VecDeque<Value>,
    prompt_shown: bool,
    /// Ids answered by this terminal (their `resolved` events are ours).
    answered: HashSet<String>,
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
        let _ = writeln!(out, "{value}");
        let _ = out.flush();
    }

    fn status(&mut self, msg: &str) {
        if self.interactive || !self.ctx.out.json {
            let line = self.ctx.out.dim(msg);
            if self.interactive {
                self.lines(&line);
            } else {
                eprintln!("{msg}");
            }
        }
    }

    fn ws_name(&self, item: &Value) -> String {
        let id = str_of(item, "workspaceId");
        self.names
            .get(id)
            .map_or_else(|| id.to_string(), |w| w.name.clone())
    }

    fn seconds_left(item: &Value) -> Option<i64> {
        let expires = item.get("expiresAt").and_then(Value::as_u64)?;
        Some((expires as i64 - openwork::workspace::now_ms() as i64) / 1000)
    }

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
        let mut out = std::io::stdout().lock();
        let _ = write!(
            out,
            "\r\x1b[2K  {} [a]llow  [d]eny  [s]kip{}",
            self.ctx.out.paint("\x1b[1m", "Allow this write?"),
            self.ctx.out.dim(&extra)
        );
        let _ = out.flush();
        self.prompt_shown = true;
    }

    /// Prints the request at the front of the queue and asks about it.
    fn show_front(&mut self) {
        let Some(item) = self.queue.front().cloned() else {
            return;
        };
        let ws = self.names.get(str_of(&item, "workspaceId")).cloned();
        let actor = item.get("actor").cloned().unwrap_or(Value::Null);
        let who = match (str_of(&actor, "clientId"), str_of(&actor, "type")) {
            ("", kind) => kind.to_string(),
            (client, kind) => format!("{client} ({kind})"),
        };
        let mut text = format!(
            "\n{} {} in {} from {}\n  {}\n  files: {}\n",
            self.ctx.out.paint("\x1b[1;33m", "●"),
            self.ctx.out.paint("\x1b[1m", str_of(&item, "action")),
            self.ws_name(&item),
            who,
            str_of(&item, "summary"),
            paths_of(&item, ws.as_ref().map(|w| w.path.as_str())).join(", "),
        );
        let diff = str_of(&item, "diff");
        if !diff.is_empty() {
            for line in self.ctx.out.diff(diff).lines() {
                text.push_str("  ");
                text.push_str(line);
                text.push('\n');
            }
        }
        self.lines(&text);
        self.draw_prompt();
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
    fn finish_front(&mut self, outcome: &str) {
        self.clear_prompt();
        self.queue.pop_front();
        let line = format!("  → {outcome}");
        self.lines(&line);
        if !self.queue.is_empty() {
            self.show_front();
        }
    }

    fn matches_filter(&self, item: &Value) -> bool {
        self.actions.is_empty() || self.actions.iter().any(|a| a == str_of(item, "action"))
    }

    async fn on_event(&mut self, client: &Client, event: &str, data: Value) {
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
                        self.show_front();
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
                let how = match (
                    data.get("allowed").and_then(Value::as_bool),
                    str_of(&data, "reason"),
                ) {
                    (Some(true), _) => "allowed elsewhere".to_string(),
                    (_, "timeout") => "timed out: denied".to_string(),
                    (_, "shutdown") => "denied: the server is shutting down".to_string(),
                    (_, "withdrawn") => "withdrawn by the client".to_string(),
                    _ => "denied elsewhere".to_string(),
                };
                if self.queue.front().is_some_and(|q| str_of(q, "id") == id) {
                    self.finish_front(&how);
                } else if let Some(pos) = self.queue.iter().position(|q| str_of(q, "id") == id) {
                    self.queue.remove(pos);
                    self.draw_prompt();
                }
            }
            _ => {}
        }
    }

    async fn auto_decide(&mut self, client: &Client, item: &Value, allow: bool) {
        let id = str_of(item, "id").to_string();
        self.answered.insert(id.clone());
        let result = client.reply(&id, allow).await;
        let verb = if allow { "allowed" } else { "denied" };
        if self.interactive
            || !self.ctx.out.json && std::io::IsTerminal::is_terminal(&std::io::stdout())
        {
            let line = match &result {
                Ok(_) => format!(
                    "{verb} {} {}: {}",
                    &id[..id.len().min(8)],
                    str_of(item, "action"),
                    str_of(item, "summary")
                ),
                Err(f) => format!("could not answer {}: {}", &id[..id.len().min(8)], f.message),
            };
            self.lines(&line);
        } else {
            self.json_line(&json!({
                "event": "decision",
                "data": { "id": id, "action": str_of(item, "action"), "allowed": allow, "ok": result.is_ok() },
            }));
        }
    }

    async fn on_key(&mut self, client: &Client, key: Key) -> bool {
        let Some(current) = self.queue.front().cloned() else {
            return !matches!(key, Key::CtrlC | Key::Char('q'));
        };
        let id = str_of(&current, "id").to_string();
        let allow = match key {
            Key::Char('a' | 'A' | 'y' | 'Y') => true,
            Key::Char('d' | 'D' | 'n' | 'N') => false,
            Key::Char('s' | 'S') => {
                self.finish_front(&format!(
                    "skipped: still pending (openwork approvals allow {})",
                    &id[..id.len().min(8)]
                ));
                return true;
            }
            Key::CtrlC | Key::Char('q') => return false,
            _ => return true,
        };
        self.answered.insert(id.clone());
        match client.reply(&id, allow).await {
            Ok(_) => self.finish_front(if allow { "allowed" } else { "denied" }),
            Err(f) => {
                self.answered.remove(&id);
                let msg = f.message.clone();
                self.finish_front(&format!("not answered: {msg}"));
            }
        }
        true
    }
}

fn spawn_key_reader() -> tokio::sync::mpsc::Receiver<Key> {
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    std::thread::spawn(move || {
        let term = Term::stdout();
        while let Ok(key) = term.read_key() {
            if tx.blocking_send(key).is_err() {
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
        answered: HashSet::new(),
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
                            ui.on_event(&client, &ev.event, data).await;
                        }
                    }
                    _ => break,
                },
                Some(key) = async { match keys.as_mut() { Some(k) => k.recv().await, None => std::future::pending().await } } => {
                    if !ui.on_key(&client, key).await {
                        ui.clear_prompt();
                        return Ok(());
                    }
                }
                _ = tick.tick() => if ui.prompt_shown { ui.draw_prompt(); },
                _ = interrupt.recv() => { ui.clear_prompt(); return Ok(()); }
            }
        }
        // The server went away (restart, shutdown): everything pending there is gone.
        if !ui.queue.is_empty() {
            ui.clear_prompt();
            ui.queue.clear();
            ui.lines("  → withdrawn: the connection to the server was lost");
        }
        let mut backoff = Duration::from_secs(1);
        resp = loop {
            ui.status(&format!(
                "Connection to {} lost; reconnecting in {}s…",
                client.target.url,
                backoff.as_secs()
            ));
            tokio::select! {
                _ = tokio::time::sleep(backoff) => {}
                _ = interrupt.recv() => return Ok(()),
                Some(key) = async { match keys.as_mut() { Some(k) => k.recv().await, None => std::future::pending().await } } => {
                    if matches!(key, Key::CtrlC | Key::Char('q')) { return Ok(()); }
                }
            }
            if client.target.from_pairing {
                // A restarted server has a new pairing file (port, tokens).
                if let Ok(t) = discover::find(&server, &ctx.out, false)
                    && (t.url != client.target.url || t.host_token != client.target.host_token)
                    && let Ok(c) = Client::new(t)
                {
                    client = c;
                }
            }
            match client.events().await {
                Ok(r) => break r,
                Err(_) => backoff = (backoff * 2).min(MAX_BACKOFF),
            }
        };
        ui.names = client.workspaces().await;
        ui.status(&format!("Reconnected to {}.", client.target.url));
    }
}
