#!/usr/bin/env bash
# The write figures of `openwork serve` and the offline CLI, against
# 127.0.0.1 only and bounded in time and count, on a fresh medium workspace
# (examples/gen_workspace.rs: 20 plugins, 10 MCP servers, 30 skills, 30
# commands, 10,000 audit lines) served in auto mode, with
# examples/write_load.rs:
#
# - the raw durable-write loop, the reference: a temporary file written and
#   fsynced, renamed, the folder fsynced, an audit line appended and
#   fsynced, with the sizes of a plugin add on that workspace;
# - one connection alternating POST /plugins and DELETE /plugins/:name:
#   median, p99, and the ratio to the raw loop, run on its own before and
#   interleaved with the writes (50 raw operations after each 50 writes);
# - the first read after a write (a memo miss) of each read endpoint;
# - WRITE_CONNS connections adding and removing plugins for DURATION;
# - COMMANDS unique POST /commands from WRITE_CONNS connections (wall time,
#   and the cost of a write apart from building its answer at 100, 1,000
#   and COMMANDS commands), then again on a fresh workspace in tmpfs
#   (/dev/shm), where no disk or fsync adds to the server's own cost;
# - the server's peak RSS; and, with hyperfine, `openwork plugins add` offline,
#   beside its floor (`examples/durable_once.rs`: the same durable write as
#   a process that does nothing else) and `openwork --version`; with
#   valgrind, the instructions each of them executes (callgrind).
# With the wall times, the server's CPU time per write: on a machine shared
# with other work, the steadier figure.
#
# Every write load is verified on disk afterwards (present, config parses,
# one audit line per acknowledged write). Markdown goes to the file named
# by the first argument (bench/load.sh puts it in bench/results.md), the
# progress to standard error.
#
#   bench/write-load.sh /tmp/writes.md
#   DURATION=3s WRITE_CONNS=8 COMMANDS=2000 BIN=target/release/openwork bench/write-load.sh out.md
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-/dev/stdout}
DURATION=${DURATION:-10s}
WRITE_CONNS=${WRITE_CONNS:-8}
COMMANDS=${COMMANDS:-2000}
LATENCY_OPS=${LATENCY_OPS:-1000}

if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet --bin openwork
fi
cargo build --release --quiet --example gen_workspace --example write_load --example durable_once
bin=$(realpath "${BIN:-target/release/openwork}")
tool=target/release/examples/write_load
work=$(mktemp -d)
server_pid=
shm=
stop() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=
}
cleanup() {
  stop
  rm -rf "$work"
  if [ -n "$shm" ]; then rm -rf "$shm"; fi
}
trap cleanup EXIT

target/release/examples/gen_workspace "$work/ws" medium 2>/dev/null
log() { echo "$*" >&2; }

# The reference, on the same file system as the workspace.
raw=$("$tool" raw "$work/ws" "$work/raw" "$LATENCY_OPS")
log "$raw"
raw_median=$(echo "$raw" | awk '{for(i=1;i<=NF;i++) if($i=="median"){print $(i+1); exit}}')
raw_config=$(echo "$raw" | sed -n 's/.*config \([0-9]*\) bytes.*/\1/p')
raw_line=$(echo "$raw" | sed -n 's/.*audit line \([0-9]*\) bytes.*/\1/p')

# start WS: serves the workspace WS alone in auto mode (url, id, server_pid).
start() {
  mkdir -p "$work/home" "$work/state"
  HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" OPENWORK_STATE_DIR="$work/state" \
    "$bin" serve --host 127.0.0.1 --port 0 --approval auto \
    --token bench-client-token --host-token bench-host-token \
    -w "$1" >"$work/boot.txt" 2>"$work/server.log" &
  server_pid=$!
  for _ in $(seq 100); do
    grep -q '^Workspace ' "$work/boot.txt" 2>/dev/null && break
    sleep 0.1
  done
  url=$(awk '/^openwork listening on /{print $4}' "$work/boot.txt")
  id=$(awk '/^Workspace /{print $3}' "$work/boot.txt" | sed -n 1p)
  case "$url" in http://127.0.0.1:*) ;; *) echo "server did not start: $(cat "$work/server.log")" >&2; exit 1 ;; esac
  export SERVER_PID=$server_pid
}
start "$work/ws"
token=bench-client-token

latency=$("$tool" latency "$url" "$token" "$id" "$LATENCY_OPS" "$raw_median" "$work/ws" "$work/raw-paired")
log "$latency"
misses=$("$tool" misses "$url" "$token" "$id" 20)
log "$misses"
ok=1
plugins=$("$tool" plugins "$url" "$token" "$id" "$work/ws" "${DURATION%s}" "$WRITE_CONNS") || ok=0
log "$plugins"
commands=$("$tool" commands "$url" "$token" "$id" "$work/ws" "$COMMANDS" "$WRITE_CONNS") || ok=0
log "$commands"
peak=$(( $(awk '$1=="VmHWM:"{print $2}' "/proc/$server_pid/status") / 1024 ))
log "server peak RSS (VmHWM): $peak MiB"
stop
# The same commands on tmpfs, where writing a file costs no disk and no
# fsync: what stays is the server's own work, apart from the file
# system's (which may grow as a run creates and removes files).
commands_shm=""
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  shm=$(mktemp -d /dev/shm/openwork-bench.XXXXXX)
  target/release/examples/gen_workspace "$shm/ws" medium 2>/dev/null
  start "$shm/ws"
  commands_shm=$("$tool" commands "$url" "$token" "$id" "$shm/ws" "$COMMANDS" "$WRITE_CONNS") || ok=0
  log "on tmpfs: $commands_shm"
  stop
  rm -rf "$shm"; shm=
else
  log "/dev/shm is not writable: the commands are not run on tmpfs"
fi
[ "$ok" = 1 ] || { echo "a write load failed its check on disk" >&2; exit 1; }

# The offline CLI on a fresh medium workspace: a write (fsync included;
# the plugin is removed before each run, outside the timing).
cli_table=""
if command -v hyperfine >/dev/null; then
  target/release/examples/gen_workspace "$work/cli" medium 2>/dev/null
  HOME="$work/home" OPENWORK_STATE_DIR="$work/state" hyperfine -N --warmup 3 --style basic \
    --prepare "$bin -q -w $work/cli plugins remove --if-exists bench-probe" \
    --export-markdown "$work/cli.md" \
    -n "openwork plugins add bench-probe" "$bin -q -w $work/cli plugins add bench-probe" \
    -n "openwork --json plugins list" "$bin -w $work/cli --json plugins list" \
    -n "openwork --version" "$bin --version" \
    -n "floor: one durable write as a process" \
    "target/release/examples/durable_once $work/once ${raw_config:-2683} ${raw_line:-232}" >&2
  cli_table=$(cat "$work/cli.md")
else
  log "hyperfine is missing: the offline CLI is not timed (apt-get install -y hyperfine)"
fi
# The same commands' instructions under callgrind: the same on every run,
# where the wall times above move with the machine.
cli_counts=""
if command -v valgrind >/dev/null && [ -d "$work/cli" ]; then
  instructions() { # command... -> instructions executed, start-up and exit included
    HOME="$work/home" OPENWORK_STATE_DIR="$work/state" valgrind --tool=callgrind \
      --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | awk '/Collected :/{print $NF}'
  }
  "$bin" -q -w "$work/cli" plugins remove --if-exists bench-probe
  cli_counts=$(
    echo "| Command | Instructions |"
    echo "|:---|---:|"
    echo "| \`openwork plugins add bench-probe\` | $(instructions "$bin" -q -w "$work/cli" plugins add bench-probe) |"
    echo "| \`openwork --json plugins list\` | $(instructions "$bin" -w "$work/cli" --json plugins list) |"
    echo "| \`openwork --version\` | $(instructions "$bin" --version) |"
    echo "| floor: one durable write as a process | $(instructions target/release/examples/durable_once "$work/once" "${raw_config:-2683}" "${raw_line:-232}") |"
  )
else
  log "valgrind is missing: the offline CLI's instructions are not counted (apt-get install -y valgrind)"
fi

{
  echo "A fresh medium workspace served alone in auto mode, driven by"
  echo "\`examples/write_load.rs\` (\`DURATION=$DURATION WRITE_CONNS=$WRITE_CONNS COMMANDS=$COMMANDS"
  echo "LATENCY_OPS=$LATENCY_OPS\`). The raw loop is the reference: what each"
  echo "write must do on disk at least, with the same sizes, on the same file system,"
  echo "run on its own first, then interleaved with the one-connection writes (50"
  echo "raw operations after each 50 writes), so that both medians come from the"
  echo "same minutes of the disk."
  echo
  echo '```text'
  echo "$raw"
  echo "$latency"
  echo "$plugins"
  echo "$commands"
  echo "first read after a write (memo miss), then a memo hit (medians of 20):"
  echo "$misses"
  echo "server peak RSS (VmHWM): $peak MiB"
  echo '```'
  if [ -n "$commands_shm" ]; then
    echo
    echo "The same unique commands on a fresh medium workspace in tmpfs"
    echo "(\`/dev/shm\`: no disk, an fsync costs nothing), served alone: the"
    echo "server's own cost per write, apart from the file system's:"
    echo
    echo '```text'
    echo "$commands_shm"
    echo '```'
  fi
  echo
  if [ -n "$cli_table" ]; then
    echo "The offline CLI on a fresh medium workspace, timed by \`hyperfine -N\` (the"
    echo "add includes its fsyncs; the plugin is removed before each run, untimed)."
    echo "The floor is \`examples/durable_once.rs\`: a process that does the raw"
    echo "loop's one write (same sizes) and nothing else; \`--version\` is the"
    echo "binary's own start-up and exit:"
    echo
    echo "$cli_table"
  else
    echo "The offline CLI was not timed: hyperfine was not installed."
  fi
  if [ -n "$cli_counts" ]; then
    echo
    echo "The same commands' instructions, counted by \`valgrind --tool=callgrind\`"
    echo "(start-up, dynamic linking and exit included; the same on every run):"
    echo
    echo "$cli_counts"
  fi
} >"$out"
