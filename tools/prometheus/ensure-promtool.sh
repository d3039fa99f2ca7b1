#!/usr/bin/env bash
# Prints, as its last line of output, the absolute path of a usable `promtool` (Prometheus's rule
# checker and rule unit-test runner):
#   1. `promtool` on PATH, else
#   2. one unpacked earlier into <repo>/.tools/prometheus/, else
#   3. Debian's package `prometheus` downloaded now with this machine's own apt configuration
#      (`apt-get download`, nothing installed, no service started) and unpacked there.
# Progress goes to stderr; exits non-zero with a reason if no promtool can be had.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
tools="$repo/.tools/prometheus"
target="$tools/usr/bin/promtool"

say() { echo "ensure-promtool: $*" >&2; }
fail() { say "$*"; exit 1; }
works() { "$1" --version >/dev/null 2>&1; }

if found="$(command -v promtool 2>/dev/null)" && works "$found"; then
  echo "$found"
  exit 0
fi

if [ -x "$target" ] && works "$target"; then
  echo "$target"
  exit 0
fi

command -v apt-get >/dev/null || fail "no promtool on PATH and no apt-get to fetch Debian's prometheus package; install promtool and put it on PATH"
command -v dpkg-deb >/dev/null || fail "no promtool on PATH and no dpkg-deb to unpack Debian's package"

mkdir -p "$tools"
download=$(mktemp -d)
trap 'rm -rf "$download"' EXIT
chmod 777 "$download" # apt's download user writes here
say "downloading Debian's package prometheus"
if ! (cd "$download" && apt-get download -q prometheus >&2); then
  apt-get update -qq >&2 || fail "apt-get update failed"
  (cd "$download" && apt-get download -q prometheus >&2) || fail "apt-get download prometheus failed"
fi
dpkg-deb -x "$download"/prometheus_*.deb "$tools"
works "$target" || fail "the unpacked $target does not run"
echo "$target"
