#!/usr/bin/env bash
# Rollout benchmark: builds an N-user snapshot with sidecarctl, publishes it, rolls it out to 3
# node processes (one Consul dev agent, the Kafka mock host) while wrk reads from node 1, and
# prints: build time, prepare time per node (from the votes), the commit transaction, commit
# decision to last node swapped, and wrk's read latency and errors during the rollout.
# Usage: bench/rollout-bench.sh [users] (default 1000000). Needs wrk; builds Release first.
# Everything runs on loopback; every process it starts is stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."
users="${1:-1000000}"
config=Release
work="$(mktemp -d /tmp/sidecar-rollout-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

consul_bin="$(tools/consul/ensure-consul.sh | tail -n 1)"
dotnet build Sidecar.sln -c "$config" -nologo -clp:ErrorsOnly >/dev/null
bin() { echo "$1/bin/$config/net10.0/linux-x64/$2.dll"; }
cli() { dotnet "$(bin tools/Sidecar.Cli sidecarctl)" "$@"; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== generating $users users"
awk -v n="$users" 'BEGIN { for (i = 0; i < n; i++) printf "{\"userId\":\"user-%d\",\"fields\":{\"city\":\"c%d\",\"tier\":\"gold\",\"score\":%d},\"lists\":{\"recent\":[\"h%d\",\"h%d\",\"h%d\"]},\"counters\":{\"views\":%d}}\n", i, i % 997, i, i, i + 1, i + 2, i % 100 }' > "$work/users.jsonl"
ls -l "$work/users.jsonl" | awk '{print "input bytes:", $5}'

echo "== snapshot build"
build_out="$(cli snapshot build --input "$work/users.jsonl" --out "$work/snap" --version bench1)"
echo "$build_out"
du -sb "$work/snap" | awk '{print "snapshot bytes:", $1}'

http=$(port); serf_lan=$(port); serf_wan=$(port); server=$(port)
printf 'disable_update_check = true\nports {\n http = %s\n dns = -1\n grpc = -1\n serf_lan = %s\n serf_wan = %s\n server = %s\n}\n' "$http" "$serf_lan" "$serf_wan" "$server" > "$work/consul.hcl"
"$consul_bin" agent -dev -config-file "$work/consul.hcl" -bind 127.0.0.1 -client 127.0.0.1 -log-level warn > "$work/consul.log" 2>&1 &
pids+=($!)
consul="http://127.0.0.1:$http"
until curl -sf "$consul/v1/status/leader" | grep -q ':'; do sleep 0.2; done

dotnet "$(bin tools/Sidecar.KafkaMock Sidecar.KafkaMock)" --brokers 1 --topic updates:8 --topic updates.dlq:1 --urls "http://127.0.0.1:$(port)" > "$work/kafka.log" 2>&1 &
pids+=($!)
until grep -qs BOOTSTRAP "$work/kafka.log"; do sleep 0.2; done
bootstrap="$(grep BOOTSTRAP "$work/kafka.log" | awk '{print $2}')"

urls=()
for n in 1 2 3; do
  url="http://127.0.0.1:$(port)"
  urls+=("$url")
  dotnet "$(bin sidecar/Sidecar.Node Sidecar.Node)" --urls "$url" --Node:Id "n$n" --Node:Datacenter dc-a --Node:DataRoot "$work/n$n" \
    --Kafka:BootstrapServers "$bootstrap" --Consul:Address "$consul" --Store:BlockCacheMb 512 > "$work/n$n.log" 2>&1 &
  pids+=($!)
done
until [ "$(curl -s "$consul/v1/health/service/sidecar?passing" | grep -o '"ServiceID": *"n[0-9]"' | wc -l)" -eq 3 ]; do sleep 0.5; done
curl -s -XPOST "${urls[0]}/v1/users/user-42/updates?wait=applied" -d '{"ops":[{"op":"set","field":"streamed","value":true}]}' > /dev/null

echo "== publish"
cli snapshot publish "$work/snap" --registry "$work/registry" --consul "$consul"

echo "== rollout (wrk reading user-42 from n1 meanwhile)"
wrk -t2 -c16 -d600s --latency "${urls[0]}/v1/users/user-42" > "$work/wrk.txt" 2>&1 &
wrk_pid=$!
pids+=($wrk_pid)
sleep 2
start=$(date +%s.%N)
cli rollout start bench1 --deadline 00:10:00 --wait --consul "$consul"
end=$(date +%s.%N)
sleep 2
kill -INT "$wrk_pid"; wait "$wrk_pid" 2>/dev/null || true

echo "== results"
echo "rollout start --wait: $(echo "$end - $start" | bc) s"
cli rollout status --json --consul "$consul" > "$work/status.json"
python3 - "$work/status.json" <<'PY'
import json, sys
from datetime import datetime
s = json.load(open(sys.argv[1]))
r = s["round"]
t = lambda x: datetime.fromisoformat(x)
for v in r["votes"]:
    print(f"prepare {v['vote']['node']}: {v['vote']['prepareSeconds']:.2f} s")
decided = t(r["decision"]["at"])
acks = [t(a["at"]) for a in r["acks"]]
print(f"decision to last swap acknowledged: {(max(acks) - decided).total_seconds() * 1000:.0f} ms over {len(acks)} nodes")
PY
grep -ho "committed version bench1 ([0-9.]* ms transaction)" "$work"/n*.log || true
grep -E "Latency|50%|99%|requests in|Non-2xx|Socket errors" "$work/wrk.txt" || true
for u in "${urls[@]}"; do curl -s "$u/v1/users/user-42"; echo; done
