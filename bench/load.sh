#!/usr/bin/env bash
# Load test of `openwork serve`, against 127.0.0.1 only and bounded in time.
# Builds the release binary, generates two workspaces with
# examples/gen_workspace.rs (medium: 20 plugins, 10 MCP servers, 30 skills,
# 30 commands, 10,000 audit lines; large: 200 skills, 200 commands,
# 1,000,000 audit lines), serves both in auto mode and prints, for every
# read endpoint on each: req/s, p50, p99, the ratio to /health of the same
# run and (large) how much slower than medium; RSS idle and at peak; a
# mixed write load (8 connections) verified on disk afterwards, with the
# reads of /plugins it allows meanwhile; start-up time (spawn -> first 200
# on /health, median of 5); and the write figures of bench/write-load.sh
# (the raw durable-write loop, single- and 8-connection writes, 2,000
# commands on disk and on tmpfs, memo misses, the offline CLI); and the
# scale figures of bench/scale.sh (a huge workspace, 100 workspaces in
# one server).
#
# The figures go to bench/results.md (markdown, overwritten by each run
# that completes), with the date, the machine, the commit and the command.
#
#   bench/load.sh                      # wrk -t1 -c32, 10 s per endpoint
#   DURATION=5s CONNS=64 bench/load.sh
#   BIN=/path/to/openwork RESULTS=/tmp/r.md bench/load.sh   # another binary, elsewhere
#   NOTE="shared with other builds" bench/load.sh             # a remark for the results
#   BASE_BIN=/path/to/old/openwork bench/load.sh   # the write figures of another binary too, in the same run
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-1}
WRITE_CONNS=${WRITE_CONNS:-8}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

results=${RESULTS:-bench/results.md}
run_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
run_commit=$(git rev-parse --short=10 HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- . ":(exclude)$results" 2>/dev/null || run_commit="$run_commit (with uncommitted changes)"
run_command="DURATION=$DURATION CONNS=$CONNS THREADS=$THREADS WRITE_CONNS=$WRITE_CONNS${BASE_BIN:+ BASE_BIN=$BASE_BIN} bash bench/load.sh"
run_cores=$(nproc 2>/dev/null || echo "?")
run_kernel=$(uname -sr)
run_cpu=$(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
run_wrk=$(wrk -v 2>&1 | head -n1 || true)
md_reads=""

# Apart, so the server is built as it ships: built together with examples,
# it would get their dev-dependency features (1 MB more, slower start).
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet --bin openwork
fi
cargo build --release --quiet --example gen_workspace --example load_check
bin=${BIN:-target/release/openwork}
[ -n "${BIN:-}" ] && run_commit="$("$bin" --version) (BIN=$bin)"
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

target/release/examples/gen_workspace "$work/ws" medium 2>/dev/null
target/release/examples/gen_workspace "$work/ws-big" large 2>/dev/null

mkdir -p "$work/home" "$work/state"
HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" OPENWORK_STATE_DIR="$work/state" \
  "$bin" serve --host 127.0.0.1 --port 0 --approval auto \
  --token bench-client-token --host-token bench-host-token \
  -w "$work/ws" -w "$work/ws-big" >"$work/boot.txt" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do
  [ "$(grep -c '^Workspace ' "$work/boot.txt" 2>/dev/null)" = 2 ] && break
  sleep 0.1
done
url=$(awk '/^openwork listening on /{print $4}' "$work/boot.txt")
ws=$(awk '/^Workspace /{print $3}' "$work/boot.txt" | sed -n 1p)
big=$(awk '/^Workspace /{print $3}' "$work/boot.txt" | sed -n 2p)
case "$url" in http://127.0.0.1:*) ;; *) echo "server did not start: $(cat "$work/server.log")" >&2; exit 1 ;; esac

rss() { awk -v k="$1:" '$1==k{print $2}' "/proc/$server_pid/status"; }
echo "server $url (pid $server_pid), wrk -t$THREADS -c$CONNS -d$DURATION"
rss_idle=$(( $(rss VmRSS) / 1024 ))
echo "RSS idle: $rss_idle MiB"

auth="Authorization: Bearer bench-client-token"
declare -A rate
measure() { # name path -> "req/s p50 p99"
  local out
  wrk -t1 -c4 -d1s -H "$auth" "$url$2" >/dev/null
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H "$auth" "$url$2")
  if echo "$out" | grep -q "Non-2xx"; then echo "$1: non-2xx answers" >&2; echo "$out" >&2; exit 1; fi
  echo "$(echo "$out" | awk '/^Requests\/sec/{print $2}') $(echo "$out" | awk '$1=="50%"{print $2}') $(echo "$out" | awk '$1=="99%"{print $2}')"
}
printf '%-24s %-7s %10s %9s %9s %9s %10s\n' endpoint size req/s p50 p99 "/health" "vs medium"
row() { # name size path
  read -r r p50 p99 <<<"$(measure "$1" "$3")"
  rate["$1 $2"]=$r
  local h=${rate["/health -"]:-$r} m=${rate["$1 medium"]:-}
  local vsm="-"
  [ "$2" = large ] && [ -n "$m" ] && vsm=$(awk -v a="$m" -v b="$r" 'BEGIN{printf "%.2fx", a/b}')
  local share
  share=$(awk -v a="$r" -v b="$h" 'BEGIN{printf "%.0f", 100*a/b}')
  printf '%-24s %-7s %10.0f %9s %9s %8s%% %10s\n' "$1" "$2" "$r" "$p50" "$p99" "$share" "$vsm"
  md_reads+="| \`$1\` | $2 | $(printf '%.0f' "$r") | $p50 | $p99 | $share% | $vsm |"$'\n'
}
row /health - /health
row /capabilities - /capabilities
row /workspaces - /workspaces
for size in medium large; do
  id=$ws; [ "$size" = large ] && id=$big
  for ep in config plugins skills mcp commands "audit?limit=50" export; do
    row "/${ep}" "$size" "/workspace/$id/$ep"
  done
done
rss_reads=$(( $(rss VmRSS) / 1024 )); peak_reads=$(( $(rss VmHWM) / 1024 ))
echo "RSS after reads: $rss_reads MiB, peak (VmHWM): $peak_reads MiB"

# Writes in auto mode: 8 connections, unique commands and alternating
# plugin add/remove, then every acknowledged write checked on disk.
# Meanwhile, reads of what the writes change: the memo is invalidated by
# every write, and rebuilt by the first read after it.
target/release/examples/load_check writes "$url" bench-client-token "$ws" "$work/ws" \
  "${DURATION%s}" "$WRITE_CONNS" >"$work/writes.txt" &
writer=$!
sleep 0.5
during=$(wrk -t1 -c"$CONNS" -d"$(( ${DURATION%s} > 2 ? ${DURATION%s} - 1 : 1 ))s" -H "$auth" \
  "$url/workspace/$ws/plugins" | awk '/^Requests\/sec/{print $2}')
writes_ok=1
wait "$writer" || writes_ok=0
cat "$work/writes.txt"
[ "$writes_ok" = 1 ] || { echo "the write load failed its check on disk" >&2; exit 1; }
during=$(printf '%.0f' "$during")
echo "reads of /plugins during the writes: $during req/s"
rss_writes=$(( $(rss VmRSS) / 1024 )); peak_writes=$(( $(rss VmHWM) / 1024 ))
echo "RSS after writes: $rss_writes MiB, peak (VmHWM): $peak_writes MiB"

kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
HOME="$work/home" OPENWORK_STATE_DIR="$work/state" \
  target/release/examples/load_check startup "$(realpath "$bin")" "$work/ws" 5 | tee "$work/startup.txt"

# The write figures, on a fresh medium workspace and a server of their own.
BIN="$bin" DURATION=$DURATION WRITE_CONNS=$WRITE_CONNS bash bench/write-load.sh "$work/writes.md"
if [ -n "${BASE_BIN:-}" ]; then
  base_version=$("$BASE_BIN" --version)
  BIN="$BASE_BIN" DURATION=$DURATION WRITE_CONNS=$WRITE_CONNS bash bench/write-load.sh "$work/writes-base.md"
fi
# The scale figures of bench/scale.sh: a huge workspace, and 100
# workspaces in one server.
BIN="$bin" CONNS=$CONNS bash bench/scale.sh "$work/scale.md"

# Everything above, as markdown: written whole, then moved into place.
{
  echo "# Load-test results"
  echo
  echo "Written by \`bench/load.sh\`, which overwrites this file on each run that"
  echo "completes; do not edit it by hand. What the script measures is described"
  echo "at its top."
  echo
  echo "- date: $run_date"
  echo "- commit: $run_commit"
  echo "- command: \`$run_command\`"
  echo "- machine: $run_cores cores (\`nproc\`), $run_kernel${run_cpu:+, $run_cpu}; wrk and the server share them"
  echo "- load generator: ${run_wrk:-wrk}, \`-t$THREADS -c$CONNS -d$DURATION\` per endpoint"
  [ -z "${NOTE:-}" ] || echo "- note: $NOTE"
  echo
  echo "## Reads"
  echo
  echo "One \`openwork serve\` in auto mode serves both workspaces: \`medium\` (20"
  echo "plugins, 10 MCP servers, 30 skills, 30 commands, 10,000 audit lines) and"
  echo "\`large\` (200 skills, 200 commands, 1,000,000 audit lines)."
  echo
  echo "| endpoint | workspace | req/s | p50 | p99 | share of \`/health\` | large vs medium |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s' "$md_reads"
  echo
  echo "## Memory"
  echo
  echo "| when | RSS | peak (VmHWM) |"
  echo "|---|---|---|"
  echo "| idle | $rss_idle MiB | |"
  echo "| after the reads | $rss_reads MiB | $peak_reads MiB |"
  echo "| after the writes | $rss_writes MiB | $peak_writes MiB |"
  echo
  echo "## Writes"
  echo
  cat "$work/writes.md"
  echo
  if [ -n "${BASE_BIN:-}" ]; then
    echo "### The same, with the binary compared against"
    echo
    echo "\`$base_version\` (\`BASE_BIN\`), measured in the same run just after:"
    echo
    cat "$work/writes-base.md"
    echo
  fi
  echo "### Mixed writes and reads"
  echo
  echo "$WRITE_CONNS connections of writes in auto mode (commands with unique names,"
  echo "plugins added and removed in turn), checked on disk afterwards by"
  echo "\`examples/load_check.rs\`, while \`/plugins\` was read:"
  echo
  echo '```text'
  cat "$work/writes.txt"
  echo "reads of /plugins during the writes: $during req/s"
  echo '```'
  echo
  echo "## Start-up"
  echo
  echo '```text'
  cat "$work/startup.txt"
  echo '```'
  echo
  echo "## Scale"
  echo
  cat "$work/scale.md"
  echo
} >"$work/results.md"
mv "$work/results.md" "$results"
echo "figures written to $results"
