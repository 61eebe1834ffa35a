//! Makes a workspace for load tests: 20 plugins, 10 MCP servers, 30 skills,
//! 30 commands and an audit log of N lines.
//!
//! cargo run --release --example gen_workspace -- DIR [AUDIT_LINES]

use std::io::{BufWriter, Write};
use std::path::Path;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: gen_workspace DIR [AUDIT_LINES]");
        std::process::exit(2);
    };
    let lines: u64 = match args.next().map(|n| n.parse()) {
        None => 10_000,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("AUDIT_LINES must be a number");
            std::process::exit(2);
        }
    };
    let root = Path::new(&dir);
    std::fs::create_dir_all(root.join(".opencode/openwork"))?;

    let plugins: Vec<String> = (0..20)
        .map(|i| format!("\"opencode-plugin-{i}@1.{i}.0\""))
        .collect();
    let mcp: Vec<String> = (0..10)
        .map(|i| {
            if i % 2 == 0 {
                format!("    \"server-{i}\": {{ \"type\": \"local\", \"command\": [\"npx\", \"-y\", \"mcp-{i}\"], \"enabled\": true }}")
            } else {
                format!("    \"server-{i}\": {{ \"type\": \"remote\", \"url\": \"https://mcp{i}.example/sse\" }}")
            }
        })
        .collect();
    std::fs::write(
        root.join("opencode.jsonc"),
        format!(
            "{{\n  // generated for load tests\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"theme\": \"dark\",\n  \"plugin\": [{}],\n  \"mcp\": {{\n{}\n  }},\n  \"tools\": {{ \"deny\": [\"mcp.server-3\"] }}\n}}\n",
            plugins.join(", "),
            mcp.join(",\n")
        ),
    )?;
    std::fs::write(
        root.join(".opencode/openwork.json"),
        "{\n  \"team\": \"bench\"\n}\n",
    )?;
    for i in 0..30 {
        let d = root.join(format!(".opencode/skills/skill-{i}"));
        std::fs::create_dir_all(&d)?;
        std::fs::write(
            d.join("SKILL.md"),
            format!(
                "---\nname: skill-{i}\ndescription: Skill number {i} for the load test\n---\n# Skill {i}\n\nDo thing {i}.\n"
            ),
        )?;
    }
    std::fs::create_dir_all(root.join(".opencode/commands"))?;
    for i in 0..30 {
        std::fs::write(
            root.join(format!(".opencode/commands/cmd-{i}.md")),
            format!(
                "---\nname: cmd-{i}\ndescription: Command {i}\nmodel: null\nsubtask: false\n---\n\nRun step {i} with $ARGUMENTS\n"
            ),
        )?;
    }
    let id = openwork::workspace::workspace_id(
        &openwork::workspace::absolute(root).map_err(std::io::Error::other)?,
    );
    let mut log = BufWriter::new(std::fs::File::create(
        root.join(".opencode/openwork/audit.jsonl"),
    )?);
    for i in 0..lines {
        writeln!(
            log,
            "{{\"id\":\"00000000-0000-4000-8000-{i:012}\",\"workspaceId\":\"{id}\",\"actor\":{{\"type\":\"host\",\"clientId\":\"cli\"}},\"action\":\"plugins.add\",\"target\":\"opencode-plugin-{n}\",\"summary\":\"Add plugin opencode-plugin-{n}\",\"timestamp\":{ts}}}",
            n = i % 20,
            ts = 1_700_000_000_000u64 + i
        )?;
    }
    log.flush()?;
    println!("{}", root.display());
    Ok(())
}
