#!/usr/bin/env bash
# Prints, as its last line of output, the absolute path of a usable `prometheus` server (what
# ./run.sh's stack runs to scrape every process):
#   1. `prometheus` on PATH, else
#   2. the one beside the promtool of ensure-promtool.sh, which unpacks Debian's package
#      `prometheus` (both programs) into <repo>/.tools/prometheus/ when the machine has neither.
# Progress goes to stderr; exits non-zero with a reason if none can be had.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
works() { "$1" --version >/dev/null 2>&1; }

if found="$(command -v prometheus 2>/dev/null)" && works "$found"; then
  echo "$found"
  exit 0
fi

promtool="$("$here/ensure-promtool.sh" | tail -n 1)"
beside="$(dirname "$promtool")/prometheus"
if [ -x "$beside" ] && works "$beside"; then
  echo "$beside"
  exit 0
fi

echo "ensure-prometheus: no prometheus on PATH and none beside $promtool; install Debian's package prometheus (or put prometheus on PATH)" >&2
exit 1
