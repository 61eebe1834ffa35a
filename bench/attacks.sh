#!/usr/bin/env bash
# Attacks on the resources of `openwork serve` (127.0.0.1 and 127.0.0.2
# only, bounded: about 3 minutes in all), by examples/attacks.rs: 256
# pending 1 MiB config patches then withdrawn, 64 audit reads with
# different limits of a log of large entries, a stalled event stream under
# 300 writes of 900 KB, and, from 127.0.0.2, 600 idle or half-sent
# connections, 600 trickled bodies and 520 event streams. For each: peak
# RSS (VmHWM), RSS after, and how long the host took to approve a write
# from 127.0.0.1 (new connections) while it ran. Linux only (/proc).
#
#   bash bench/attacks.sh                          # the release build of this tree
#   BIN=/path/to/openwork bash bench/attacks.sh    # another binary (an older one, to compare)
#   bash bench/attacks.sh idle trickle             # some attacks only
#
# The table goes to standard output; the figures of the last comparison
# are in bench/attacks.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# The server alone, as it ships (built with the examples it would get
# their dev-dependency features).
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked --quiet --bin openwork
  BIN=target/release/openwork
fi
cargo build --release --locked --quiet --example attacks
echo "binary: $BIN ($("$BIN" --version))"
target/release/examples/attacks "$BIN" "$@"
