#!/usr/bin/env bash
# The command reference, docs/CLI.md, made from `s2d help` so it cannot drift from the binary:
#   bash scripts/cli-reference.sh [S2D] > docs/CLI.md
# A test (CLIReferenceTests) runs this and compares its output with docs/CLI.md.
set -euo pipefail
S2D=${1:-.build/release/s2d}
export COLUMNS=100
echo "# s2d command reference"
echo
echo 'Made by `bash scripts/cli-reference.sh > docs/CLI.md` from `s2d help`; a test checks that it matches.'
for command in "" generate curate train teach distill eval export pad "pad distill" "pad synthesize" "pad run" \
               serve bench "bench engine" "bench serve" "bench train" fuzz; do
    echo
    echo "## s2d${command:+ $command}"
    echo
    echo '```text'
    # shellcheck disable=SC2086  # a two-word command is two arguments
    "$S2D" help $command
    echo '```'
done
