#!/usr/bin/env bash
# Builds the solution and runs every test suite against real parts (RocksDB, librdkafka's mock
# cluster in its own process, a Consul dev agent, Kestrel on loopback, headless Chromium for the
# dashboard, and for the chaos suite containers of locally built images on a Docker engine it
# starts if needed). Ends with one line:
# "N passed, N failed".
# Exits non-zero if any test failed, a suite crashed, or no test ran.
set -uo pipefail
cd "$(dirname "$0")"

configuration="${CONFIGURATION:-Release}"
results="$PWD/.test-results"
rm -rf "$results"
mkdir -p "$results"

echo "== consul"
# The Consul suites run a real agent: find or fetch its binary once for every suite.
if ! consul_bin="$(tools/consul/ensure-consul.sh | tail -n 1)" || [ ! -x "$consul_bin" ]; then
  echo "no consul binary: tools/consul/ensure-consul.sh failed (see above)"
  echo "0 passed, 1 failed"
  exit 1
fi
export SIDECAR_CONSUL_BIN="$consul_bin"
echo "$SIDECAR_CONSUL_BIN"

# A tool some tests need: the path its ensure script prints last is exported for every suite;
# without it those tests fail (said here), the others run.
ensure_tool() { # <variable> <ensure script> <what fails without it>
  local bin
  if bin="$("$2" | tail -n 1)" && [ -x "$bin" ]; then
    export "$1=$bin"
    echo "$bin"
  else
    echo "no tool: $2 failed (see above); $3 will fail"
  fi
}

echo "== promtool"
# The alert rules are checked and unit-tested with Prometheus's promtool (Debian's package, downloaded if missing).
ensure_tool SIDECAR_PROMTOOL tools/prometheus/ensure-promtool.sh "the alert rules test"
# The same package's server: the stack (./run.sh) runs a real Prometheus that scrapes every process.
ensure_tool SIDECAR_PROMETHEUS tools/prometheus/ensure-prometheus.sh "the stack's Prometheus test"

echo "== chromium"
# The dashboard test looks at the page in headless Chromium (Debian's package, installed if missing).
ensure_tool SIDECAR_CHROMIUM tools/chromium/ensure-chromium.sh "the dashboard test"
# Tests that leave artefacts (the dashboard's screenshot) put them with the results.
export SIDECAR_TEST_RESULTS="$results"

echo "== docker"
# The chaos suite runs containers: use the running engine, or install and start Debian's
# docker.io (root on Debian). Without one the chaos suite counts as failed, never as skipped.
docker_problem=""
if ! tools/docker/ensure-docker.sh >/dev/null; then
  docker_problem="no Docker engine (tools/docker/ensure-docker.sh failed, see above)"
fi

# The compose suite drives Debian's docker-compose: find it or install it.
compose_problem=""
if [ -z "$docker_problem" ] && ! tools/docker/ensure-compose.sh >/dev/null; then
  compose_problem="no docker-compose (tools/docker/ensure-compose.sh failed, see above)"
fi

sweep_compose() {
  # Containers, networks and volumes of compose test projects (sidecar-compose-<id>) left behind.
  [ -z "$docker_problem" ] || return 0
  local project='{{.Label "com.docker.compose.project"}}'
  leftovers() { awk '$1 ~ /^sidecar-compose-/ { print $2 }'; }
  docker ps -a --filter label=com.docker.compose.project --format "$project {{.ID}}" 2>/dev/null | leftovers | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network ls --filter label=com.docker.compose.project --format "$project {{.ID}}" 2>/dev/null | leftovers | xargs -r docker network rm >/dev/null 2>&1 || true
  docker volume ls --filter label=com.docker.compose.project --format "$project {{.Name}}" 2>/dev/null | leftovers | xargs -r docker volume rm -f >/dev/null 2>&1 || true
}

# Every chaos container and network carries the label sidecar.chaos.session=<this run> (Ryuk is
# off): what a crashed test host leaves behind is removed after the suites, and what an earlier
# ./test.sh left (its session is kept in .tools/chaos-session) before them. Other sessions'
# resources (someone else's run on the same engine) are never touched.
sweep_chaos() {
  [ -z "$docker_problem" ] && [ -n "$1" ] || return 0
  docker ps -aq --filter "label=sidecar.chaos.session=$1" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network ls -q --filter "label=sidecar.chaos.session=$1" | xargs -r docker network rm >/dev/null 2>&1 || true
}
mkdir -p .tools
[ -f .tools/chaos-session ] && sweep_chaos "$(cat .tools/chaos-session)"
export SIDECAR_CHAOS_SESSION="test-sh-$(date +%s)-$$"
echo "$SIDECAR_CHAOS_SESSION" >.tools/chaos-session
sweep_compose

echo "== build ($configuration)"
if ! dotnet build Sidecar.sln -c "$configuration" -nologo -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== images"
if [ -z "$docker_problem" ] && ! compose/images/build.sh; then
  docker_problem="the images did not build (compose/images/build.sh failed, see above)"
fi
export SIDECAR_CHAOS_RESULTS="$results/chaos-results.md"

status=0
unrun=0
mapfile -t suites < <(find . -name '*.Tests.csproj' -not -path '*/bin/*' -not -path '*/obj/*' | sort)
for suite in "${suites[@]}"; do
  name="$(basename "$suite" .csproj)"
  echo "== $name"
  if [ "$name" = "Sidecar.Chaos.Tests" ] && [ -n "$docker_problem" ]; then
    echo "$name: not run: $docker_problem"
    status=1
    unrun=$((unrun + 1))
    continue
  fi
  if [ "$name" = "Sidecar.Compose.Tests" ] && [ -n "$docker_problem$compose_problem" ]; then
    echo "$name: not run: ${docker_problem:-$compose_problem}"
    status=1
    unrun=$((unrun + 1))
    continue
  fi
  if ! dotnet test "$suite" -c "$configuration" --no-build -nologo \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
      --results-directory "$results" 2>&1 | grep -vE '^\s*$'; then
    status=1
  fi
  if [ ! -f "$results/$name.trx" ]; then
    echo "$name: no results (the test host crashed?)"
    status=1
  fi
done

sweep_chaos "$SIDECAR_CHAOS_SESSION"
sweep_compose
[ -f "$SIDECAR_CHAOS_RESULTS" ] && cat "$SIDECAR_CHAOS_RESULTS"
for artefact in "$results"/*.png; do
  [ -f "$artefact" ] && echo "screenshot: $artefact"
done

passed=0; failed=$unrun; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx")"
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total="$(value total)"; executed="$(value executed)"
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + total - executed))
done

[ "$failed" -gt 0 ] && status=1
if [ "$passed" -eq 0 ]; then
  echo "no test ran"
  status=1
  failed=$((failed + 1))
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$status"
