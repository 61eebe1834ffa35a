#!/usr/bin/env bash
# The scale figures of `openwork serve`, against 127.0.0.1 only and bounded
# in time and count, with workspaces from examples/gen_workspace.rs:
#
# - huge (10,000 skills of about 1.4 KB, 10,000 commands of about 300
#   bytes, 2,000 MCP servers in an opencode.jsonc of about 23,000 lines),
#   served alone: for /skills, /commands, /mcp, /config and /export the
#   cold first read, the first read after one item changed by hand (a
#   SKILL.md, a command file, an MCP entry, each file rewritten) and the
#   memo hits (medians and p99 of ROUNDS, examples/scale_check.rs), the
#   export's size; POST /plugins and POST /skills (report only); the
#   server's peak RSS and the inotify watches it holds; with the wall
#   times, the server's CPU time per read after a change (on a machine
#   shared with other work, the steadier figure); then the peak RSS while
#   SLOW_EXPORTS clients read the export slowly at once;
# - one medium workspace served alone, then MANY medium workspaces served
#   by one server (`-w` MANY times): the same reads of one of them, wrk
#   req/s of each read endpoint (on the many-workspace server spread over
#   all of them by a Lua script), /workspaces, peak RSS and watches.
#
# Markdown goes to the file named by the first argument (bench/load.sh
# puts it in bench/results.md), the progress to standard error.
#
#   bench/scale.sh /tmp/scale.md
#   ROUNDS=10 MANY=100 DURATION=3s CONNS=32 BIN=target/release/openwork bench/scale.sh out.md
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-/dev/stdout}
ROUNDS=${ROUNDS:-10}
MANY=${MANY:-100}
SLOW_EXPORTS=${SLOW_EXPORTS:-8}
DURATION=${DURATION:-3s}
CONNS=${CONNS:-32}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet --bin openwork
fi
cargo build --release --quiet --example gen_workspace --example scale_check
bin=$(realpath "${BIN:-${CARGO_TARGET_DIR:-target}/release/openwork}")
tgt=${CARGO_TARGET_DIR:-target}
gen=$tgt/release/examples/gen_workspace
tool=$tgt/release/examples/scale_check
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
log() { echo "$*" >&2; }
token=bench-client-token
auth="Authorization: Bearer $token"

t0=$(date +%s.%N)
"$gen" "$work/huge" huge 2>/dev/null
log "huge workspace generated in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
for i in $(seq "$MANY"); do "$gen" "$work/many/ws-$i" medium 2>/dev/null; done
log "$MANY medium workspaces generated"

# Starts a server of the workspaces given; sets url, server_pid and ids
# (one id a line, in the order given).
serve() {
  local n=$#
  local args=()
  for w in "$@"; do args+=(-w "$w"); done
  mkdir -p "$work/home" "$work/state"
  HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" OPENWORK_STATE_DIR="$work/state" \
    "$bin" serve --host 127.0.0.1 --port 0 --approval auto \
    --token "$token" --host-token bench-host-token \
    "${args[@]}" >"$work/boot.txt" 2>"$work/server.log" &
  server_pid=$!
  export SERVER_PID=$server_pid
  for _ in $(seq 600); do
    [ "$(grep -c '^Workspace ' "$work/boot.txt" 2>/dev/null)" = "$n" ] && break
    sleep 0.1
  done
  url=$(awk '/^openwork listening on /{print $4}' "$work/boot.txt")
  awk '/^Workspace /{print $3}' "$work/boot.txt" >"$work/ids.txt"
  case "$url" in http://127.0.0.1:*) ;; *) echo "server did not start: $(cat "$work/server.log")" >&2; exit 1 ;; esac
}
stop() { kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=; }
peak() { echo $(( $(awk '$1=="VmHWM:"{print $2}' "/proc/$server_pid/status") / 1024 )); }
# The inotify watches the server holds, over all its inotify instances.
watches() { cat /proc/"$server_pid"/fdinfo/* 2>/dev/null | grep -c '^inotify wd:' || true; }

# wrk req/s of ENDPOINT over the workspaces of ids.txt (each request the
# next workspace), or of a path when ENDPOINT starts with /.
cat >"$work/spread.lua" <<'EOF'
local ids, i = {}, 0
for line in io.lines(os.getenv("IDS_FILE")) do ids[#ids + 1] = line end
local endpoint = os.getenv("ENDPOINT")
request = function()
  i = i % #ids + 1
  return wrk.format("GET", "/workspace/" .. ids[i] .. "/" .. endpoint)
end
EOF
rate() { # endpoint -> "req/s p50 p99"
  local o
  if [[ $1 == /* ]]; then
    wrk -t1 -c4 -d1s -H "$auth" "$url$1" >/dev/null
    o=$(wrk -t1 -c"$CONNS" -d"$DURATION" --latency -H "$auth" "$url$1")
  else
    IDS_FILE="$work/ids.txt" ENDPOINT="$1" wrk -t1 -c4 -d1s -H "$auth" -s "$work/spread.lua" "$url" >/dev/null
    o=$(IDS_FILE="$work/ids.txt" ENDPOINT="$1" wrk -t1 -c"$CONNS" -d"$DURATION" --latency -H "$auth" -s "$work/spread.lua" "$url")
  fi
  if echo "$o" | grep -q "Non-2xx"; then echo "$1: non-2xx answers" >&2; echo "$o" >&2; exit 1; fi
  echo "$(echo "$o" | awk '/^Requests\/sec/{printf "%.0f", $2}') $(echo "$o" | awk '$1=="50%"{print $2}') $(echo "$o" | awk '$1=="99%"{print $2}')"
}

# --- huge, alone
serve "$work/huge"
log "huge: server $url (pid $server_pid)"
huge_reads=$("$tool" reads "$url" "$token" "$(sed -n 1p "$work/ids.txt")" "$work/huge" "$ROUNDS")
log "$huge_reads"
huge_watches=$(watches)
huge_writes=$("$tool" writes "$url" "$token" "$(sed -n 1p "$work/ids.txt")" "$ROUNDS")
log "$huge_writes"
huge_peak=$(peak)
log "huge: peak RSS $huge_peak MiB, $huge_watches inotify watches"
# Many slow clients of the huge export at once: what the server holds.
"$tool" slow-exports "$url" "$token" "$(sed -n 1p "$work/ids.txt")" "$SLOW_EXPORTS" 4 >"$work/slow.txt" &
slow_pid=$!
sleep 3
slow_peak=$(peak)
wait "$slow_pid"
slow="$(cat "$work/slow.txt"); server peak RSS (VmHWM) meanwhile: $slow_peak MiB"
log "$slow"
stop

# --- one medium workspace, then MANY in one server
declare -A one_rate many_rate
endpoints=(config plugins skills mcp commands /workspaces)
serve "$work/many/ws-1"
one_reads=$("$tool" reads "$url" "$token" "$(sed -n 1p "$work/ids.txt")" "$work/many/ws-1" "$ROUNDS")
log "one medium workspace:"; log "$one_reads"
for ep in "${endpoints[@]}"; do one_rate[$ep]=$(rate "$ep"); log "  $ep: ${one_rate[$ep]}"; done
one_peak=$(peak); one_watches=$(watches)
log "one medium: peak RSS $one_peak MiB, $one_watches inotify watches"
stop

many_args=()
for i in $(seq "$MANY"); do many_args+=("$work/many/ws-$i"); done
t0=$(date +%s.%N)
serve "${many_args[@]}"
log "$MANY workspaces: server up in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
many_reads=$("$tool" reads "$url" "$token" "$(sed -n 1p "$work/ids.txt")" "$work/many/ws-1" "$ROUNDS")
log "$many_reads"
for ep in "${endpoints[@]}"; do many_rate[$ep]=$(rate "$ep"); log "  $ep: ${many_rate[$ep]}"; done
many_peak=$(peak); many_watches=$(watches)
log "$MANY medium: peak RSS $many_peak MiB, $many_watches inotify watches"
stop

table=""
for ep in "${endpoints[@]}"; do
  read -r r1 p1 q1 <<<"${one_rate[$ep]}"
  read -r rn pn qn <<<"${many_rate[$ep]}"
  name=$ep; [[ $ep == /* ]] || name="/$ep"
  table+="| \`$name\` | $r1 | $p1 | $q1 | $rn | $pn | $qn | $(awk -v a="$rn" -v b="$r1" 'BEGIN{printf "%+.0f%%", 100*(a-b)/b}') |"$'\n'
done

{
  echo "Driven by \`examples/scale_check.rs\` and wrk (\`ROUNDS=$ROUNDS MANY=$MANY DURATION=$DURATION CONNS=$CONNS\`),"
  echo "each server in auto mode, alone on the machine with its load generator."
  echo
  echo "### A huge workspace"
  echo
  echo "10,000 skills (SKILL.md of about 1.4 KB), 10,000 commands (about 300 bytes),"
  echo "2,000 MCP servers (\`opencode.jsonc\` of $(wc -l <"$work/huge/opencode.jsonc") lines, $(( $(wc -c <"$work/huge/opencode.jsonc") / 1024 )) KB), served alone."
  echo "Cold: the first read of a fresh server. After one item changed: a SKILL.md,"
  echo "a command file or an MCP entry edited by rewriting its file, then the read"
  echo "(checked to show the change), with the server's CPU time per such read."
  echo "Medians of $ROUNDS, in milliseconds."
  echo
  echo '```text'
  echo "$huge_reads"
  echo "writes (report only):"
  echo "$huge_writes"
  echo "server peak RSS (VmHWM): $huge_peak MiB; inotify watches held: $huge_watches"
  echo "$slow"
  echo '```'
  echo
  echo "### $MANY workspaces in one server"
  echo
  echo "The same reads of one medium workspace, served alone, then as one of $MANY"
  echo "medium workspaces served by one server:"
  echo
  echo '```text'
  echo "one workspace:"
  echo "$one_reads"
  echo "one of $MANY workspaces:"
  echo "$many_reads"
  echo "server peak RSS (VmHWM): alone $one_peak MiB, $MANY workspaces $many_peak MiB"
  echo "inotify watches held: alone $one_watches, $MANY workspaces $many_watches"
  echo '```'
  echo
  echo "wrk \`-t1 -c$CONNS -d$DURATION\` per endpoint (memo hits); with $MANY workspaces each"
  echo "request asks the next workspace (a Lua script). \`/workspaces\` lists 1, then $MANY."
  echo
  echo "| endpoint | 1 workspace req/s | p50 | p99 | $MANY workspaces req/s | p50 | p99 | change |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s' "$table"
} >"$out"
log "scale figures written to $out"
