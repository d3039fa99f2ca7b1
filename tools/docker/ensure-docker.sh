#!/usr/bin/env bash
# Makes sure a Docker engine answers, for the image builds and the chaos suite:
#   1. an engine that already answers (a developer's machine, or one started earlier) is used
#      as it is, and never stopped here;
#   2. else, as root on Debian: Debian's docker.io is installed if dockerd is missing, and
#      dockerd is started in the background (there is no systemd on CI machines); its pid goes
#      to $DOCKERD_PID_FILE (default /tmp/dockerd.pid), its log to $DOCKERD_LOG;
#   3. else it fails with the reason. The chaos suite is never skipped silently: callers treat a
#      failure here as a failed suite.
# Progress goes to stderr; the last line of stdout is the engine's server version.
set -euo pipefail

pid_file="${DOCKERD_PID_FILE:-/tmp/dockerd.pid}"
log="${DOCKERD_LOG:-/tmp/dockerd.log}"
ready_timeout="${DOCKERD_READY_TIMEOUT:-60}"

say() { echo "ensure-docker: $*" >&2; }
fail() { say "$*"; exit 1; }

# The CLI may be newer than the engine (a docker 28 CLI against Debian's 20.10): it negotiates.
answers() { docker version --format '{{.Server.Version}}' 2>/dev/null; }

command -v docker >/dev/null || [ "$(id -u)" -eq 0 ] || fail "no docker CLI on PATH, and not root to install Debian's docker.io"

if command -v docker >/dev/null && version="$(answers)" && [ -n "$version" ]; then
  say "using the running engine ($version)"
  echo "$version"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || fail "no Docker engine answers and this is not root: start dockerd (or run as root on Debian so that it can be installed and started)"
[ -f /etc/debian_version ] || fail "no Docker engine answers and this is not Debian: install and start a Docker engine"

if ! command -v dockerd >/dev/null; then
  say "installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends docker.io iptables >&2; then
    apt-get update -qq >&2 || fail "apt-get update failed"
    apt-get install -y -qq --no-install-recommends docker.io iptables >&2 || fail "apt-get install docker.io failed"
  fi
fi
command -v dockerd >/dev/null || fail "docker.io is installed but dockerd is not on PATH"

# A previous engine of ours that died leaves its pid file and socket behind.
if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  say "dockerd $(cat "$pid_file") runs but does not answer yet; waiting for it"
else
  rm -f /var/run/docker.pid
  say "starting dockerd in the background (log: $log)"
  nohup dockerd >"$log" 2>&1 </dev/null &
  echo $! >"$pid_file"
fi

for _ in $(seq 1 $((ready_timeout * 4))); do
  if version="$(answers)" && [ -n "$version" ]; then
    say "engine $version ready (dockerd pid $(cat "$pid_file"))"
    echo "$version"
    exit 0
  fi
  kill -0 "$(cat "$pid_file")" 2>/dev/null || fail "dockerd exited: $(tail -n 20 "$log")"
  sleep 0.25
done
fail "dockerd did not answer within ${ready_timeout}s: $(tail -n 20 "$log")"
