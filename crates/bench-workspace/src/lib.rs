//! Synthetic workspaces for openwork's benchmarks and load tests (a
//! dev-dependency only, never part of the shipped library): an
//! `opencode.jsonc` with comments, plugins, local and remote MCP servers and
//! a `tools` block, skills, commands, plugin files, a `.git` folder and an
//! audit log written with openwork's own entry type; and the figures the
//! load examples share (medians, the server's CPU time).
// Writes fixtures on disk, as a test would: the core's read rule
// (clippy.toml) is not for it.
#![allow(clippy::disallowed_methods)]

use openwork::workspace::{Actor, AuditEntry, Workspace};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub plugins: usize,
    pub mcp: usize,
    pub skills: usize,
    pub commands: usize,
    pub plugin_files: usize,
    pub audit_lines: usize,
    /// Items as long as real ones: SKILL.md of about 1.4 KB, commands of
    /// about 300 bytes, MCP entries of about 11 lines (else a few lines
    /// each, as the medium and large sizes have always been).
    pub full_items: bool,
}

impl Size {
    /// 20 plugins, 10 MCP servers, 30 skills, 30 commands, 10,000 audit lines.
    pub const MEDIUM: Size = Size {
        plugins: 20,
        mcp: 10,
        skills: 30,
        commands: 30,
        plugin_files: 4,
        audit_lines: 10_000,
        full_items: false,
    };
    /// 200 skills, 200 commands, 1,000,000 audit lines.
    pub const LARGE: Size = Size {
        plugins: 20,
        mcp: 10,
        skills: 200,
        commands: 200,
        plugin_files: 4,
        audit_lines: 1_000_000,
        full_items: false,
    };
    /// A hundred times medium: 10,000 skills (SKILL.md of about 1.4 KB),
    /// 10,000 commands (about 300 bytes), 2,000 MCP servers (an
    /// `opencode.jsonc` of about 23,000 lines, 500 KB); medium's plugins
    /// and audit log.
    pub const HUGE: Size = Size {
        plugins: 20,
        mcp: 2_000,
        skills: 10_000,
        commands: 10_000,
        plugin_files: 4,
        audit_lines: 10_000,
        full_items: true,
    };
}

/// The config text alone (about `10 + plugins + 6 × mcp` lines).
pub fn opencode_config(size: &Size) -> String {
    let mut s = String::from(
        "{\n  // Generated benchmark workspace.\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"theme\": \"dark\", /* kept */\n  \"plugin\": [\n",
    );
    for i in 0..size.plugins {
        s.push_str(&format!(
            "    \"opencode-plugin-{i}@1.{i}.0\", // plugin {i}\n"
        ));
    }
    s.push_str("  ],\n  \"mcp\": {\n");
    for i in 0..size.mcp {
        if size.full_items {
            s.push_str(&full_mcp_entry(i));
        } else if i % 2 == 0 {
            s.push_str(&format!(
                "    // local server {i}\n    \"local-{i}\": {{\n      \"type\": \"local\",\n      \"command\": [\"npx\", \"-y\", \"mcp-server-{i}@latest\"],\n      \"enabled\": true\n    }},\n"
            ));
        } else {
            s.push_str(&format!(
                "    // remote server {i}\n    \"remote-{i}\": {{\n      \"type\": \"remote\",\n      \"url\": \"https://mcp{i}.example.com/mcp\",\n      \"headers\": {{ \"Authorization\": \"Bearer x\" }}\n    }},\n"
            ));
        }
    }
    s.push_str("  },\n  \"tools\": { \"deny\": [\"mcp.local-0\"], \"remote-1_*\": false },\n}\n");
    s
}

/// An MCP entry of 11 or 12 lines (about 250 bytes), with every field
/// OpenCode's schema allows for its type.
fn full_mcp_entry(i: usize) -> String {
    if i.is_multiple_of(2) {
        format!(
            "    // local server {i}\n    \"local-{i}\": {{\n      \"type\": \"local\",\n      \"command\": [\n        \"npx\",\n        \"-y\",\n        \"mcp-server-{i}@latest\"\n      ],\n      \"environment\": {{ \"SERVER_ID\": \"{i}\", \"LOG\": \"info\" }},\n      \"enabled\": true,\n      \"timeout\": 5000\n    }},\n"
        )
    } else {
        format!(
            "    // remote server {i}\n    \"remote-{i}\": {{\n      \"type\": \"remote\",\n      \"url\": \"https://mcp{i}.example.com/mcp\",\n      \"headers\": {{\n        \"Authorization\": \"Bearer x\",\n        \"X-Server\": \"remote-{i}\"\n      }},\n      \"enabled\": true,\n      \"timeout\": 5000\n    }},\n"
        )
    }
}

/// A SKILL.md of about 1.4 KB whose frontmatter OpenCode accepts: a
/// `name` as the folder's (lowercase letters, digits and hyphens) and a
/// `description` of a sentence or two.
fn full_skill(i: usize) -> String {
    let mut s = format!(
        "---\nname: skill-{i}\ndescription: Benchmark skill number {i}. Use it when a task needs the steps below, for example when testing how openwork lists ten thousand skills.\nlicense: MIT\n---\n# Skill {i}\n\n"
    );
    for step in 1..=13 {
        s.push_str(&format!(
            "{step}. Step {step} of skill {i}: read the files involved, change what the task asks and check it.\n"
        ));
    }
    s.push_str("\nWhen in doubt, ask before changing anything outside the workspace.\n");
    s
}

/// A command file of about 300 bytes.
fn full_command(i: usize) -> String {
    format!(
        "---\ndescription: Benchmark command {i}, which runs the steps of task {i}\nagent: build\nmodel: anthropic/claude-sonnet-4-5\nsubtask: false\n---\n\nRun step {i} on $ARGUMENTS: read the files involved, make the change the\ntask asks for, run the tests, and report what changed and why, in a few lines.\n"
    )
}

/// Writes a workspace of `size` into `root` (which must exist).
pub fn generate(root: &Path, size: &Size) -> std::io::Result<()> {
    std::fs::create_dir_all(root.join(".git"))?;
    std::fs::write(root.join("opencode.jsonc"), opencode_config(size))?;
    let dot = root.join(".opencode");
    std::fs::create_dir_all(dot.join("commands"))?;
    std::fs::create_dir_all(dot.join("plugins"))?;
    std::fs::create_dir_all(dot.join("openwork"))?;
    std::fs::write(dot.join("openwork.json"), "{\n  \"generated\": true\n}\n")?;
    for i in 0..size.skills {
        let dir = dot.join("skills").join(format!("skill-{i}"));
        std::fs::create_dir_all(&dir)?;
        let text = if size.full_items {
            full_skill(i)
        } else {
            format!(
                "---\nname: skill-{i}\ndescription: Benchmark skill number {i}, used when testing.\nlicense: MIT\n---\n# Skill {i}\n\nStep one.\nStep two.\n"
            )
        };
        std::fs::write(dir.join("SKILL.md"), text)?;
    }
    for i in 0..size.commands {
        let text = if size.full_items {
            full_command(i)
        } else {
            format!(
                "---\nname: cmd-{i}\ndescription: Benchmark command {i}\nmodel: null\nsubtask: false\n---\n\nRun step {i} on $ARGUMENTS\n"
            )
        };
        std::fs::write(dot.join("commands").join(format!("cmd-{i}.md")), text)?;
    }
    for i in 0..size.plugin_files {
        std::fs::write(
            dot.join("plugins").join(format!("local-{i}.ts")),
            "export default async () => ({})\n",
        )?;
    }
    let id = Workspace::open(root)
        .map_err(std::io::Error::other)?
        .id()
        .to_string();
    let mut log = BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(dot.join("openwork/audit.jsonl"))?,
    );
    let start = 1_700_000_000_000u64;
    for i in 0..size.audit_lines {
        let entry = AuditEntry {
            id: format!("00000000-0000-4000-8000-{i:012}"),
            workspace_id: id.clone(),
            actor: Actor::cli(),
            action: "plugins.add".into(),
            target: "opencode.jsonc".into(),
            summary: format!("Add plugin generated-{i}"),
            timestamp: start + i as u64,
        };
        serde_json::to_writer(&mut log, &entry).map_err(std::io::Error::other)?;
        log.write_all(b"\n")?;
    }
    log.flush()
}

/// The number of lines of the workspace's audit log (0 when it is missing):
/// the load checks compare it with the writes they saw acknowledged.
pub fn audit_lines(root: &Path) -> usize {
    std::fs::read(root.join(".opencode/openwork/audit.jsonl"))
        .map_or(0, |t| t.iter().filter(|&&b| b == b'\n').count())
}

/// Checks on disk what the load checks saw acknowledged: the config
/// parses, each `(spec, present)` plugin is listed or not as acknowledged,
/// each command is a file, and the audit log grew by exactly `acked` lines
/// since it had `audit_before`. Returns one line per problem (none: all
/// verified).
pub fn verify(
    root: &Path,
    plugins: &[(String, bool)],
    commands: &[String],
    audit_before: usize,
    acked: usize,
) -> Vec<String> {
    let mut problems = Vec::new();
    for name in commands {
        if !root.join(format!(".opencode/commands/{name}.md")).is_file() {
            problems.push(format!("LOST: command {name}"));
        }
    }
    let text = std::fs::read_to_string(root.join("opencode.jsonc")).unwrap_or_default();
    match openwork::workspace::jsonc::parse_object(&text, "opencode.jsonc") {
        Ok(config) => {
            let specs = openwork::workspace::plugins::specs_of(config.get("plugin"));
            for (spec, want) in plugins {
                if specs.contains(spec) != *want {
                    let state = if *want { "present" } else { "absent" };
                    problems.push(format!("WRONG: plugin {spec} should be {state}"));
                }
            }
        }
        Err(e) => problems.push(format!("CORRUPT: {}", e.message)),
    }
    let grew = audit_lines(root).saturating_sub(audit_before);
    if grew != acked {
        problems.push(format!(
            "AUDIT: {grew} new lines for {acked} acknowledged writes"
        ));
    }
    problems
}

/// Median and 99th percentile, in milliseconds.
pub fn stats(times: &mut [Duration]) -> (f64, f64) {
    if times.is_empty() {
        return (0.0, 0.0);
    }
    times.sort();
    let at = |q: f64| {
        let i = ((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1;
        times[i].as_secs_f64() * 1000.0
    };
    (at(0.5), at(0.99))
}

/// The server's CPU time so far (user + system, from `/proc`), in
/// milliseconds; `None` without `SERVER_PID`.
pub fn server_cpu_ms() -> Option<f64> {
    let pid = std::env::var("SERVER_PID").ok()?;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command name in parentheses: state is field 3, utime 14, stime 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // /proc counts in USER_HZ, 100 a second on Linux.
    Some(ticks * 10.0)
}

/// One durable write, what a plugin add must do on disk at least: a
/// temporary (named after `i`) written with `config` and fsynced, renamed
/// over `dir/opencode.jsonc`, the folder (`folder`, open on `dir`)
/// fsynced, `line` appended to `dir/audit.jsonl` and its data fsynced.
/// The reference of every write figure (`write_load raw`, and as a whole
/// process `durable_once`).
pub fn durable_write(dir: &Path, folder: &std::fs::File, config: &[u8], line: &[u8], i: usize) {
    use std::io::Write;
    let tmp = dir.join(format!(".opencode.jsonc.{i:06}"));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .expect("temporary");
    file.write_all(config).expect("write");
    file.sync_all().expect("fsync");
    std::fs::rename(&tmp, dir.join("opencode.jsonc")).expect("rename");
    folder.sync_all().expect("fsync the folder");
    let mut log = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(dir.join("audit.jsonl"))
        .expect("audit");
    log.write_all(line).expect("append");
    log.sync_data().expect("fsync the log");
}
