#!/usr/bin/env bash
# Proxy forwarding cost, measured side by side in one run on loopback with wrk:
#   direct    wrk -> node
#   proxy     wrk -> Sidecar.Proxy (YARP, rendezvous hash of the user id) -> 2 nodes
#   haproxy   wrk -> Debian's haproxy (balance uri depth 3, hash-type consistent) -> the same 2 nodes
# Each is run ROUNDS times, alternating, after a warm-up; the report gives the median of each:
# req/s, p50, p99 and the CPU microseconds per request of the process in the middle (from
# /proc/<pid>/stat utime+stime before and after, divided by the requests wrk completed), and of
# the node for the direct run.
#
# Usage: bench/proxy-wrk.sh [seconds per run (8)] [connections (64)] [rounds (3)]
# Installs wrk and haproxy with apt-get when missing and running as root. Builds Release.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

seconds="${1:-8}"
connections="${2:-64}"
rounds="${3:-3}"
threads=2
users=256
# Free loopback ports, picked at random and checked (the machine is shared: fixed ports collide).
taken=" "
free_port() {
  local p
  while :; do
    p=$((RANDOM % 30000 + 20000))
    if [[ "$taken" != *" $p "* ]] && [ -z "$(ss -Hltn "sport = :$p")" ]; then
      taken="$taken$p "
      echo "$p"
      return
    fi
  done
}
node_ports=("$(free_port)"); taken="$taken${node_ports[0]} "
node_ports+=("$(free_port)"); taken="$taken${node_ports[1]} "
proxy_port="$(free_port)"; taken="$taken$proxy_port "
haproxy_port="$(free_port)"
work="$(mktemp -d /tmp/proxy-wrk.XXXXXX)"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

need() {
  command -v "$1" >/dev/null && return 0
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null
  else
    echo "$1 is missing (apt-get install $2 as root)" >&2
    exit 1
  fi
}
need wrk wrk
need haproxy haproxy
need curl curl

echo "== build (Release)" >&2
dotnet build sidecar/Sidecar.Node -c Release -nologo -clp:ErrorsOnly >&2
dotnet build proxy/Sidecar.Proxy -c Release -nologo -clp:ErrorsOnly >&2
node_dll="$root/sidecar/Sidecar.Node/bin/Release/net10.0/linux-x64/Sidecar.Node.dll"
proxy_dll="$root/proxy/Sidecar.Proxy/bin/Release/net10.0/linux-x64/Sidecar.Proxy.dll"

wait_http() {
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "no answer from $1" >&2
  exit 1
}

echo "== nodes" >&2
for i in 0 1; do
  port="${node_ports[$i]}"
  dotnet "$node_dll" --urls "http://127.0.0.1:$port" --Node:Id "n$((i + 1))" --Node:Datacenter dc-a \
    --Node:DataRoot "$work/n$((i + 1))" --Logging:LogLevel:Default Warning >"$work/n$((i + 1)).log" 2>&1 &
  pids+=("$!")
  node_pids[$i]=$!
done
for port in "${node_ports[@]}"; do wait_http "http://127.0.0.1:$port/health/ready"; done

# Every user exists on both nodes (each node has its own embedded Kafka): a GET returns a
# small document (about 150 bytes) whichever node serves it.
echo "== $users users on each node" >&2
for port in "${node_ports[@]}"; do
  for u in $(seq 0 $((users - 1))); do
    curl -sf -o /dev/null -XPOST "http://127.0.0.1:$port/v1/users/u$u/updates?wait=applied" \
      -d '{"ops":[{"op":"set","field":"city","value":"Goa"},{"op":"push","list":"recent","item":"hotel-42","max":20},{"op":"incr","counter":"views","by":1}]}'
  done
done

cat >"$work/members.json" <<EOF
{"datacenters":{"dc-a":[{"id":"n1","address":"http://127.0.0.1:${node_ports[0]}"},{"id":"n2","address":"http://127.0.0.1:${node_ports[1]}"}]}}
EOF
echo "== proxy" >&2
dotnet "$proxy_dll" --urls "http://127.0.0.1:$proxy_port" --Proxy:Datacenter dc-a --Proxy:Datacenters:0 dc-a \
  --Proxy:MembershipFile "$work/members.json" >"$work/proxy.log" 2>&1 &
pids+=("$!")
proxy_pid=$!
wait_http "http://127.0.0.1:$proxy_port/health/ready"

echo "== haproxy" >&2
cat >"$work/haproxy.cfg" <<EOF
global
  nbthread 2
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
  http-reuse always
frontend users
  bind 127.0.0.1:$haproxy_port
  default_backend nodes
backend nodes
  # /v1/users/<id>: the first three path segments name the user.
  balance uri depth 3
  hash-type consistent
  server n1 127.0.0.1:${node_ports[0]}
  server n2 127.0.0.1:${node_ports[1]}
EOF
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=("$!")
haproxy_pid=$!
wait_http "http://127.0.0.1:$haproxy_port/v1/users/u0"

# wrk spreads requests over the users, so both nodes get about half of them through a proxy.
cat >"$work/users.lua" <<EOF
local i = 0
request = function()
  i = (i + 1) % $users
  return wrk.format("GET", "/v1/users/u" .. i)
end
EOF

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
tck="$(getconf CLK_TCK)"

# run <name> <port> <pid whose CPU is counted>: one line "name rps p50_ms p99_ms us_per_request requests errors"
run() {
  local name="$1" port="$2" pid="$3" before after out rps p50 p99 reqs errs
  before="$(cpu_ticks "$pid")"
  out="$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency --timeout 5s -s "$work/users.lua" "http://127.0.0.1:$port")"
  after="$(cpu_ticks "$pid")"
  rps="$(echo "$out" | awk '/Requests\/sec/ { print $2 }')"
  reqs="$(echo "$out" | awk '/requests in/ { print $1 }')"
  errs="$(echo "$out" | awk '/Non-2xx/ { n += $NF } /Socket errors/ { for (i = 4; i <= NF; i += 2) n += $i } END { print n + 0 }')"
  p50="$(echo "$out" | awk '$1 == "50%" { print $2 }')"
  p99="$(echo "$out" | awk '$1 == "99%" { print $2 }')"
  echo "$name $rps $(to_ms "$p50") $(to_ms "$p99") $(awk -v t="$((after - before))" -v r="$reqs" -v k="$tck" 'BEGIN { printf "%.1f", t * 1e6 / k / r }') $reqs $errs"
}
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.2f", n }'; }

echo "== warm-up" >&2
for port in "${node_ports[0]}" "$proxy_port" "$haproxy_port"; do
  wrk -t"$threads" -c"$connections" -d10s -s "$work/users.lua" "http://127.0.0.1:$port" >/dev/null
done

echo "== $rounds rounds of ${seconds}s, wrk -t$threads -c$connections" >&2
: >"$work/results"
for r in $(seq 1 "$rounds"); do
  run direct "${node_ports[0]}" "${node_pids[0]}" | tee -a "$work/results" >&2
  run proxy "$proxy_port" "$proxy_pid" | tee -a "$work/results" >&2
  run haproxy "$haproxy_port" "$haproxy_pid" | tee -a "$work/results" >&2
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$work/results" | median; }

echo
echo "| path | req/s | p50 ms | p99 ms | CPU us/request (of) | non-2xx + socket errors |"
echo "|---|---|---|---|---|---|"
for name in direct proxy haproxy; do
  of="node"; [ "$name" = proxy ] && of="Sidecar.Proxy"; [ "$name" = haproxy ] && of="haproxy"
  echo "| $name | $(col "$name" 2) | $(col "$name" 3) | $(col "$name" 4) | $(col "$name" 5) ($of) | $(awk -v n="$name" '$1 == n { e += $7 } END { print e + 0 }' "$work/results") |"
done
proxy_cpu="$(col proxy 5)"; haproxy_cpu="$(col haproxy 5)"
echo
echo "proxy CPU per request / haproxy's: $(awk -v a="$proxy_cpu" -v b="$haproxy_cpu" 'BEGIN { printf "%.2fx", a / b }') (bar: 1.5x);" \
  "throughput vs direct: proxy $(awk -v a="$(col proxy 2)" -v b="$(col direct 2)" 'BEGIN { printf "%.2fx", a / b }')," \
  "haproxy $(awk -v a="$(col haproxy 2)" -v b="$(col direct 2)" 'BEGIN { printf "%.2fx", a / b }')"
echo "(medians of $rounds rounds; $(nproc) cores; wrk -t$threads -c$connections -d${seconds}s, $users users)"
