#!/usr/bin/env bash
# A/B of two `openwork` binaries under bench/load.sh: ROUNDS alternating
# runs of each (A, B, A, B, …), then the median req/s of every read row and
# the median write rate of each, side by side with B/A. Against 127.0.0.1
# only; each run is bounded by DURATION per endpoint.
#
#   bench/compare.sh OLD_BINARY NEW_BINARY          # 3 rounds, DURATION=3s
#   ROUNDS=5 DURATION=5s bench/compare.sh a b
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# = 2 ] || { echo "usage: bench/compare.sh A_BINARY B_BINARY" >&2; exit 2; }
a=$(realpath "$1"); b=$(realpath "$2")
ROUNDS=${ROUNDS:-3}
export DURATION=${DURATION:-3s}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for i in $(seq "$ROUNDS"); do
  for side in a b; do
    bin=$a; [ "$side" = b ] && bin=$b
    echo "round $i: $side ($bin)" >&2
    BIN=$bin RESULTS="$out/$side-$i.md" bash bench/load.sh >"$out/$side-$i.log" 2>&1 || {
      echo "run $side-$i failed:" >&2; tail -20 "$out/$side-$i.log" >&2; exit 1; }
  done
done
# Rows of the reads table: "| `/x` | size | req/s | …" → "size /x req/s".
rows() { awk -F'|' '/^\| `\//{gsub(/[ `]/,"",$2); gsub(/ /,"",$3); print $3" "$2" "$4}' "$1"; }
median() { sort -n | awk '{v[NR]=$1} END{print (NR%2)? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
printf '%-8s %-18s %10s %10s %7s\n' size endpoint A B B/A
for key in $(rows "$out/a-1.md" | awk '{print $1"|"$2}'); do
  size=${key%%|*}; ep=${key#*|}
  ma=$(for i in $(seq "$ROUNDS"); do rows "$out/a-$i.md" | awk -v s="$size" -v e="$ep" '$1==s && $2==e{print $3}'; done | median)
  mb=$(for i in $(seq "$ROUNDS"); do rows "$out/b-$i.md" | awk -v s="$size" -v e="$ep" '$1==s && $2==e{print $3}'; done | median)
  printf '%-8s %-18s %10.0f %10.0f %6.2fx\n' "$size" "$ep" "$ma" "$mb" "$(awk -v a="$ma" -v b="$mb" 'BEGIN{print b/a}')"
done
for side in a b; do
  echo "$side writes: $(for i in $(seq "$ROUNDS"); do grep -m1 -o 'acknowledged, [0-9.]* req/s' "$out/$side-$i.md" | awk '{print $2}' || true; done | tr '\n' ' ')"
done
