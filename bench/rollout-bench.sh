#!/usr/bin/env bash
# Rollout benchmark: builds an N-user snapshot with sidecarctl, publishes it, rolls it out to the
# node processes while wrk reads from the first node, and prints: build time, prepare time per
# node (from the votes), the commit transaction, commit decision to last node swapped, and wrk's
# read latency and errors during the rollout.
#   1 datacenter (default): one Consul dev agent, the Kafka mock host, 3 nodes, scope dc.
#   2 datacenters: dc-a and dc-b, each its own Consul dev server (WAN-joined) and Kafka mock host,
#   2 nodes each, every node following dc-a's rollout keys (--Rollout:Datacenter dc-a), scope global.
# Usage: bench/rollout-bench.sh [users] [datacenters] (defaults 1000000 1). Needs wrk; builds
# Release first. Everything runs on loopback; every process it starts is stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."
users="${1:-1000000}"
dcs="${2:-1}"
case "$dcs" in 1) dc_names=(dc-a); per_dc=3; scope=dc ;; 2) dc_names=(dc-a dc-b); per_dc=2; scope=global ;; *) echo "datacenters: 1 or 2" >&2; exit 2 ;; esac
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

declare -A consul_of bootstrap_of
wan_join=()
for dc in "${dc_names[@]}"; do
  http=$(port); serf_lan=$(port); serf_wan=$(port); server=$(port)
  printf 'disable_update_check = true\nports {\n http = %s\n dns = -1\n grpc = -1\n serf_lan = %s\n serf_wan = %s\n server = %s\n}\n' "$http" "$serf_lan" "$serf_wan" "$server" > "$work/consul-$dc.hcl"
  "$consul_bin" agent -dev -config-file "$work/consul-$dc.hcl" -datacenter "$dc" -node "consul-$dc" -bind 127.0.0.1 -client 127.0.0.1 -log-level warn "${wan_join[@]}" > "$work/consul-$dc.log" 2>&1 &
  pids+=($!)
  consul_of[$dc]="http://127.0.0.1:$http"
  until curl -sf "${consul_of[$dc]}/v1/status/leader" | grep -q ':'; do sleep 0.2; done
  wan_join=(-retry-join-wan "127.0.0.1:$serf_wan" -retry-interval-wan 1s)

  dotnet "$(bin tools/Sidecar.KafkaMock Sidecar.KafkaMock)" --brokers 1 --topic updates:8 --topic updates.dlq:1 --urls "http://127.0.0.1:$(port)" > "$work/kafka-$dc.log" 2>&1 &
  pids+=($!)
  until grep -qs BOOTSTRAP "$work/kafka-$dc.log"; do sleep 0.2; done
  bootstrap_of[$dc]="$(grep BOOTSTRAP "$work/kafka-$dc.log" | awk '{print $2}')"
done
consul="${consul_of[dc-a]}"
# Every datacenter sees every other (WAN join) before a global round lists its participants.
until [ "$(curl -s "$consul/v1/catalog/datacenters" | grep -c '"dc-')" -eq "$dcs" ]; do sleep 0.5; done

urls=()
for dc in "${dc_names[@]}"; do
  for n in $(seq 1 "$per_dc"); do
    url="http://127.0.0.1:$(port)"
    urls+=("$url")
    id="${dc#dc-}$n"; [ "$dcs" = 1 ] && id="n$n"
    dotnet "$(bin sidecar/Sidecar.Node Sidecar.Node)" --urls "$url" --Node:Id "$id" --Node:Datacenter "$dc" --Node:DataRoot "$work/$id" \
      --Kafka:BootstrapServers "${bootstrap_of[$dc]}" --Consul:Address "${consul_of[$dc]}" --Rollout:Datacenter dc-a --Store:BlockCacheMb 512 > "$work/$id.log" 2>&1 &
    pids+=($!)
  done
  until [ "$(curl -s "${consul_of[$dc]}/v1/health/service/sidecar?passing" | grep -oE '"ServiceID": *"[a-z]+[0-9]+"' | wc -l)" -eq "$per_dc" ]; do sleep 0.5; done
done
curl -s -XPOST "${urls[0]}/v1/users/user-42/updates?wait=applied" -d '{"ops":[{"op":"set","field":"streamed","value":true}]}' > /dev/null

echo "== publish"
cli snapshot publish "$work/snap" --registry "$work/registry" --consul "$consul"

echo "== rollout (wrk reading user-42 from n1 meanwhile)"
wrk -t2 -c16 -d600s --latency "${urls[0]}/v1/users/user-42" > "$work/wrk.txt" 2>&1 &
wrk_pid=$!
pids+=($wrk_pid)
sleep 2
start=$(date +%s.%N)
cli rollout start bench1 --scope "$scope" --deadline 00:10:00 --wait --consul "$consul"
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
for dc in sorted({p["datacenter"] for p in r["proposal"]["participants"]}):
    nodes = {p["node"] for p in r["proposal"]["participants"] if p["datacenter"] == dc}
    last = max(t(a["at"]) for a in r["acks"] if a["node"] in nodes)
    print(f"  {dc}: last swap acknowledged {(last - decided).total_seconds() * 1000:.0f} ms after the decision")
PY
grep -ho "committed version bench1 ([0-9.]* ms transaction)" "$work"/[a-z][0-9].log || true
grep -E "Latency|50%|99%|requests in|Non-2xx|Socket errors" "$work/wrk.txt" || true
for u in "${urls[@]}"; do curl -s "$u/v1/users/user-42"; echo; done
