#!/usr/bin/env bash
# ./run.sh           builds and starts the main job: two datacenters on loopback as plain processes
#                    (per datacenter a Consul agent, the two WAN-joined, a Kafka (librdkafka's mock
#                    cluster host), 2 nodes, a proxy; a replicator each way; the dashboard; a
#                    Prometheus scraping them all, Debian's package fetched if missing). Prints
#                    the URLs, streams the merged log; Ctrl-C stops everything it started.
#                    Options: --base-port N (default 7100, or $SIDECAR_STACK_BASE_PORT), --nodes N,
#                    --data DIR (default .data/stack).
# ./run.sh load      drives the demo workload (users searching hotels) through both proxies, and
#                    produces their clickstream events (--event-rate, default 200/s) into each
#                    datacenter's clicks.b2c / clicks.b2b, which the nodes' ingest rules read
#                    (compose/rules/clickstream.yaml; Kafka bootstraps from .data/stack/kafka-bootstrap.json).
# ./run.sh status    sidecarctl status of the running stack (same port base).
# ./run.sh node      one node on embedded defaults (in-process Kafka mock cluster, RocksDB under
#                    .data/node), serving on ASPNETCORE_URLS or 127.0.0.1:5080. Further arguments
#                    are the node's configuration, e.g. ./run.sh node --Node:Datacenter=dc-b
set -euo pipefail
cd "$(dirname "$0")"

command="${1:-up}"
[ $# -gt 0 ] && shift
bin="bin/Release/net10.0/linux-x64"
stack="tools/Sidecar.Stack/$bin/sidecar-stack.dll"
base="${SIDECAR_STACK_BASE_PORT:-7100}"

build_stack() {
  # One project: it builds the node, proxy, replicator, Kafka mock and sidecarctl with it.
  dotnet build tools/Sidecar.Stack/Sidecar.Stack.csproj -c Release -nologo -clp:ErrorsOnly
}

case "$command" in
  up|stack)
    build_stack
    # The stack's Prometheus: the machine's, or Debian's package unpacked into .tools/.
    SIDECAR_PROMETHEUS="${SIDECAR_PROMETHEUS:-$(tools/prometheus/ensure-prometheus.sh | tail -n 1)}"
    export SIDECAR_PROMETHEUS
    exec dotnet "$stack" up "$@"
    ;;
  load)
    [ -f "$stack" ] || build_stack
    exec dotnet "$stack" load "$@"
    ;;
  status)
    [ -f "tools/Sidecar.Cli/$bin/sidecarctl.dll" ] || build_stack
    exec dotnet "tools/Sidecar.Cli/$bin/sidecarctl.dll" status --consul "http://127.0.0.1:$((base + 41))" \
      --proxy "http://127.0.0.1:$((base + 1))" --proxy "http://127.0.0.1:$((base + 2))" \
      --replicator "http://127.0.0.1:$((base + 31))" --replicator "http://127.0.0.1:$((base + 32))" "$@"
    ;;
  node)
    dotnet build sidecar/Sidecar.Node/Sidecar.Node.csproj -c Release -nologo -clp:ErrorsOnly
    export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:5080}"
    echo "node: $ASPNETCORE_URLS  (try: curl -XPOST '$ASPNETCORE_URLS/v1/users/u1/updates?wait=applied' -d '{\"ops\":[{\"op\":\"set\",\"field\":\"city\",\"value\":\"Goa\"}]}')"
    exec dotnet sidecar/Sidecar.Node/$bin/Sidecar.Node.dll \
      --contentRoot "$PWD/sidecar/Sidecar.Node" --Node:DataRoot "$PWD/.data/node" "$@"
    ;;
  *)
    echo "usage: ./run.sh [up [--base-port N] [--nodes N]] | load [--rate N --event-rate N --duration hh:mm:ss] | status [--user ID] | node [--Section:Key=value ...]" >&2
    exit 2
    ;;
esac
