//! The binary's allocator on Linux (jemalloc, `src/main.rs`) as this
//! checkout builds it (`.cargo/config.toml`): the pages of freed blocks go
//! back to the kernel over a second, not jemalloc's default ten, which
//! keeps the huge workspace's peak RSS under its budget (ARCHITECTURE.md).

/// jemalloc prints its settings at exit when asked to through its
/// environment variable; the build's own come first, so a build without
/// the checkout's setting shows the default of 10000.
#[cfg(target_os = "linux")]
#[test]
fn freed_pages_go_back_within_a_second() {
    let out = std::process::Command::new(crate::support::bin())
        .arg("--version")
        .env("_RJEM_MALLOC_CONF", "stats_print:true")
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{out:?}");
    let stats = String::from_utf8_lossy(&out.stderr);
    assert!(
        stats.contains("opt.dirty_decay_ms: 1000 "),
        "jemalloc's settings: {}",
        stats
            .lines()
            .filter(|l| l.contains("decay_ms"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
