#!/usr/bin/env bash
# Makes sure `docker-compose` (the compose deployment's test and README use it) is on PATH:
#   1. one already on PATH is used as it is;
#   2. else, as root on Debian: Debian's docker-compose (1.29) is installed with apt;
#   3. else it fails with the reason; callers count the compose suite as failed, never skipped.
# Progress goes to stderr; the last line of stdout is the version.
set -euo pipefail

say() { echo "ensure-compose: $*" >&2; }
fail() { say "$*"; exit 1; }

if ! command -v docker-compose >/dev/null; then
  [ "$(id -u)" -eq 0 ] || fail "no docker-compose on PATH and not root to install Debian's docker-compose"
  [ -f /etc/debian_version ] || fail "no docker-compose on PATH and this is not Debian: install docker-compose"
  say "installing Debian's docker-compose"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends docker-compose >&2; then
    apt-get update -qq >&2 || fail "apt-get update failed"
    apt-get install -y -qq --no-install-recommends docker-compose >&2 || fail "apt-get install docker-compose failed"
  fi
fi
version="$(docker-compose version --short 2>/dev/null)" || fail "docker-compose is installed but does not run"
say "docker-compose $version"
echo "$version"
