#!/usr/bin/env bash
# Regenerates completions/ and man/ from the clap definitions.
# Run after changing any flag, help text or subcommand; a test fails until you do.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/openwork
mkdir -p completions man
"$bin" completions bash > completions/openwork.bash
"$bin" completions zsh > completions/_openwork
"$bin" completions fish > completions/openwork.fish
"$bin" completions elvish > completions/openwork.elv
"$bin" completions powershell > completions/_openwork.ps1
rm -f man/*.1
"$bin" -q man man
echo "completions/ and man/ regenerated"
