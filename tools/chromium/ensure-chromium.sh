#!/usr/bin/env bash
# Prints the path of a Chromium that can run headless, installing Debian's `chromium` package
# when there is none (./test.sh runs as root on a fresh Debian 12). The dashboard test drives it
# with --headless --screenshot/--dump-dom: no browser-automation package is needed.
# $SIDECAR_CHROMIUM names another binary (a user's machine).
set -euo pipefail

if [ -n "${SIDECAR_CHROMIUM:-}" ]; then
  [ -x "$SIDECAR_CHROMIUM" ] || { echo "SIDECAR_CHROMIUM=$SIDECAR_CHROMIUM is not executable" >&2; exit 1; }
  echo "$SIDECAR_CHROMIUM"
  exit 0
fi

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-chromium: /usr/bin/chromium is missing and only root can install it (apt-get install chromium)" >&2
    exit 1
  fi

  echo "ensure-chromium: installing Debian's chromium package" >&2
  export DEBIAN_FRONTEND=noninteractive
  # The package lists may be missing or stale on a fresh machine: refresh them once if the first try fails.
  if ! apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core >&2; then
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core >&2
  fi
fi

/usr/bin/chromium --version >&2
echo /usr/bin/chromium
