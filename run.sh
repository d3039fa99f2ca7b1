#!/usr/bin/env bash
# ./run.sh        builds and runs the main job: a node on embedded defaults (in-process Kafka
#                 mock cluster, RocksDB under .data/), serving on ASPNETCORE_URLS or 127.0.0.1:5080.
# ./run.sh node   the same: one node on embedded defaults. Any further arguments are passed to
#                 the node as configuration, e.g. ./run.sh node --Node:Datacenter=dc-b
set -euo pipefail
cd "$(dirname "$0")"

command="${1:-node}"
[ $# -gt 0 ] && shift

case "$command" in
  node)
    dotnet build sidecar/Sidecar.Node/Sidecar.Node.csproj -c Release -nologo -clp:ErrorsOnly
    export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:5080}"
    echo "node: $ASPNETCORE_URLS  (try: curl -XPOST '$ASPNETCORE_URLS/v1/users/u1/updates?wait=applied' -d '{\"ops\":[{\"op\":\"set\",\"field\":\"city\",\"value\":\"Goa\"}]}')"
    exec dotnet sidecar/Sidecar.Node/bin/Release/net10.0/linux-x64/Sidecar.Node.dll \
      --contentRoot "$PWD/sidecar/Sidecar.Node" --Node:DataRoot "$PWD/.data/node" "$@"
    ;;
  *)
    echo "usage: ./run.sh [node] [--Section:Key=value ...]" >&2
    exit 2
    ;;
esac
