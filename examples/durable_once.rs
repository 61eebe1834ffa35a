//! The floor of an offline write (bench/write-load.sh): one durable write
//! as a whole process, what `openwork plugins add` must do at least from
//! its start to its exit — a temporary of CONFIG_BYTES written and
//! fsynced, renamed over DIR/opencode.jsonc, DIR fsynced, a line of
//! LINE_BYTES appended to DIR/audit.jsonl and fsynced — and nothing else
//! (no reading, no parsing), so that hyperfine times process start-up and
//! the disk alone.
//!
//!   durable_once DIR CONFIG_BYTES LINE_BYTES

use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(Ok(config)), Some(Ok(line))) = (
        args.first(),
        args.get(1).map(|a| a.parse::<usize>()),
        args.get(2).map(|a| a.parse::<usize>()),
    ) else {
        eprintln!("usage: durable_once DIR CONFIG_BYTES LINE_BYTES");
        std::process::exit(2);
    };
    let dir = Path::new(dir);
    std::fs::create_dir_all(dir).expect("the folder");
    let folder = std::fs::File::open(dir).expect("the folder");
    let mut line = vec![b'x'; line.max(1)];
    if let Some(last) = line.last_mut() {
        *last = b'\n';
    }
    // Each run's temporary is new: `create_new` in the shared write.
    let i = std::process::id() as usize;
    bench_workspace::durable_write(dir, &folder, &vec![b'x'; config], &line, i);
}
