#!/usr/bin/env bash
# Load test of `openwork serve` with wrk, against 127.0.0.1 only and for a
# bounded time. Builds the release binary, generates two workspaces with
# examples/gen_workspace.rs (medium: 20 plugins, 10 MCP servers, 30 skills,
# 30 commands, a 10,000-line audit log; large: a 1,000,000-line audit log),
# starts one server on both in auto mode, runs wrk on each read endpoint and
# prints req/s, p99 latency and the server's RSS.
#
#   bench/load.sh                      # 10 s per endpoint, 32 connections
#   DURATION=5s CONNS=64 bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-1}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

cargo build --release --quiet --bin openwork --example gen_workspace
bin=target/release/openwork
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
echo "RSS idle: $(( $(rss VmRSS) / 1024 )) MiB"

auth="Authorization: Bearer bench-client-token"
printf '%-34s %12s %10s\n' endpoint req/s p99
run() {
  local name=$1 path=$2 out
  # Warm up briefly, then measure.
  wrk -t1 -c4 -d1s -H "$auth" "$url$path" >/dev/null
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H "$auth" "$url$path")
  if echo "$out" | grep -q "Non-2xx"; then echo "$name: non-2xx answers" >&2; echo "$out" >&2; exit 1; fi
  printf '%-34s %12s %10s\n' "$name" \
    "$(echo "$out" | awk '/^Requests\/sec/{print $2}')" \
    "$(echo "$out" | awk '$1=="99%"{print $2}')"
}
run "/health" "/health"
run "/plugins" "/workspace/$ws/plugins"
run "/skills" "/workspace/$ws/skills"
run "/config" "/workspace/$ws/config"
run "/commands" "/workspace/$ws/commands"
run "/mcp" "/workspace/$ws/mcp"
run "/audit?limit=50 (10k lines)" "/workspace/$ws/audit?limit=50"
run "/audit?limit=50 (1M lines)" "/workspace/$big/audit?limit=50"
echo "RSS now: $(( $(rss VmRSS) / 1024 )) MiB, peak (VmHWM): $(( $(rss VmHWM) / 1024 )) MiB"
