#!/usr/bin/env bash
# Runs the end-to-end benchmarks with real processes on loopback and prints Markdown tables for
# docs/benchmarks.md.
#   bench/run.sh node-get      GET of a ~1 KB document with wrk: bare Kestrel, node idle, node under 10k updates/s
#   bench/run.sh ingest        updates applied per second by one node from a 1M-record backlog
#   bench/run.sh datasets      a second dataset's cost: ingest, GET p99 under a split feed and node RSS, two datasets vs one
#                              (--vs expiry: one dataset with and without ItemTtl/Ttl;
#                               --vs layout: one dataset, flat keys vs partitioned by the topics' partitions)
#   bench/run.sh rules         ingest rules: 1M JSON events mapped+applied vs the plain ingest of the same ops; dc-a event -> dc-b read at 5k/s
#   bench/run.sh replication   replicator vs a plain consume+produce loop; dc-a write -> dc-b read latency at 5k updates/s
#   bench/run.sh expressions   expression libraries for the ingest rules: ns and bytes per evaluation, safety probes (no Kafka)
#   bench/run.sh all
# Options after the name go to the benchmark, e.g. bench/run.sh ingest --records 2000000 --partitions 32
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null
  else
    echo "wrk is needed (Debian: apt-get install wrk)" >&2
    exit 2
  fi
fi

dotnet build bench/Sidecar.Bench/Sidecar.Bench.csproj -c Release -nologo -clp:ErrorsOnly >&2
bench=bench/Sidecar.Bench/bin/Release/net10.0/linux-x64/Sidecar.Bench.dll
name="${1:-all}"
[ $# -gt 0 ] && shift
if [ "$name" = all ]; then
  for b in node-get ingest rules replication; do dotnet "$bench" "$b" "$@"; done
else
  dotnet "$bench" "$name" "$@"
fi
