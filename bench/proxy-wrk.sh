#!/usr/bin/env bash
# Proxy forwarding cost, measured side by side in one run on loopback with wrk:
#   direct       wrk -> node
#   proxy-h1     wrk -> Sidecar.Proxy (YARP, rendezvous hash of the user id) -HTTP/1.1-> 2 nodes
#   proxy-h2c    wrk -> Sidecar.Proxy -HTTP/2 over clear text-> the nodes' Api:H2cUrl listeners
#   haproxy-h1   wrk -> Debian's haproxy (balance uri depth 3, hash-type consistent) -HTTP/1.1-> the same 2 nodes
#   haproxy-h2   the same haproxy set-up with "proto h2" to the nodes' h2c listeners
#   yarp-h2c     a bare YARP IHttpForwarder app (bench/Sidecar.Bench bare-forwarder) -h2c-> node 1 only:
#                the floor of any proxy built on Kestrel and HttpClient
# wrk always speaks HTTP/1.1 to the process in the middle.
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
# Free loopback ports, picked at random below the kernel's ephemeral range (32768 and up, where
# outgoing connections take their local ports) and checked: the machine is shared.
taken=" "
free_port() {
  local p
  while :; do
    p=$((RANDOM % 12000 + 20000))
    if [[ "$taken" != *" $p "* ]] && [ -z "$(ss -Hltn "sport = :$p")" ]; then
      taken="$taken$p "
      echo "$p"
      return
    fi
  done
}
ports=()
for _ in 1 2 3 4 5 6 7 8 9; do
  ports+=("$(free_port)")
  taken="$taken${ports[-1]} "
done
node_ports=("${ports[@]:0:2}")
h2c_ports=("${ports[@]:2:2}")
proxy_ports=("${ports[@]:4:2}")
haproxy_ports=("${ports[@]:6:2}")
bare_port="${ports[8]}"
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
dotnet build bench/Sidecar.Bench -c Release -nologo -clp:ErrorsOnly >&2
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
  dotnet "$node_dll" --urls "http://127.0.0.1:$port" --Api:H2cUrl "http://127.0.0.1:${h2c_ports[$i]}" --Node:Id "n$((i + 1))" --Node:Datacenter dc-a \
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

# start_pair <index> <scheme of the proxy's node addresses> <port of node n1> <port of n2> <haproxy server options>:
# one Sidecar.Proxy and one haproxy in front of the two nodes' listeners on those ports.
start_pair() {
  local i="$1" scheme="$2" n1="$3" n2="$4" server_options="$5" backend_extra=""
  cat >"$work/members$i.json" <<EOF
{"datacenters":{"dc-a":[{"id":"n1","address":"$scheme://127.0.0.1:$n1"},{"id":"n2","address":"$scheme://127.0.0.1:$n2"}]}}
EOF
  dotnet "$proxy_dll" --urls "http://127.0.0.1:${proxy_ports[$i]}" --Proxy:Datacenter dc-a --Proxy:Datacenters:0 dc-a \
    --Proxy:MembershipFile "$work/members$i.json" >"$work/proxy$i.log" 2>&1 &
  pids+=("$!")
  proxy_pids[$i]=$!
  wait_http "http://127.0.0.1:${proxy_ports[$i]}/health/ready"

  # haproxy sends ":scheme https" on HTTP/2 for an origin-form request, which Kestrel refuses as
  # not matching its clear-text transport; an absolute URI makes it send "http".
  [ -n "$server_options" ] && backend_extra="http-request set-uri http://%[req.hdr(host)]%[pathq]"
  cat >"$work/haproxy$i.cfg" <<EOF
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
  bind 127.0.0.1:${haproxy_ports[$i]}
  default_backend nodes
backend nodes
  # /v1/users/<id>: the first three path segments name the user.
  balance uri depth 3
  hash-type consistent
  $backend_extra
  server n1 127.0.0.1:$n1 $server_options
  server n2 127.0.0.1:$n2 $server_options
EOF
  haproxy -db -f "$work/haproxy$i.cfg" >"$work/haproxy$i.log" 2>&1 &
  pids+=("$!")
  haproxy_pids[$i]=$!
  wait_http "http://127.0.0.1:${haproxy_ports[$i]}/v1/users/u0"
}
echo "== proxies and haproxies" >&2
start_pair 0 http "${node_ports[0]}" "${node_ports[1]}" ""
start_pair 1 h2c "${h2c_ports[0]}" "${h2c_ports[1]}" "proto h2"
dotnet "$root/bench/Sidecar.Bench/bin/Release/net10.0/linux-x64/Sidecar.Bench.dll" bare-forwarder \
  --urls "http://127.0.0.1:$bare_port" --to "h2c://127.0.0.1:${h2c_ports[0]}" >"$work/bare.log" 2>&1 &
pids+=("$!")
bare_pid=$!
wait_http "http://127.0.0.1:$bare_port/v1/users/u0"

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
for port in "${node_ports[0]}" "${proxy_ports[@]}" "${haproxy_ports[@]}" "$bare_port"; do
  wrk -t"$threads" -c"$connections" -d10s -s "$work/users.lua" "http://127.0.0.1:$port" >/dev/null
done

echo "== $rounds rounds of ${seconds}s, wrk -t$threads -c$connections" >&2
: >"$work/results"
for r in $(seq 1 "$rounds"); do
  run direct "${node_ports[0]}" "${node_pids[0]}" | tee -a "$work/results" >&2
  run proxy-h1 "${proxy_ports[0]}" "${proxy_pids[0]}" | tee -a "$work/results" >&2
  run proxy-h2c "${proxy_ports[1]}" "${proxy_pids[1]}" | tee -a "$work/results" >&2
  run haproxy-h1 "${haproxy_ports[0]}" "${haproxy_pids[0]}" | tee -a "$work/results" >&2
  run haproxy-h2 "${haproxy_ports[1]}" "${haproxy_pids[1]}" | tee -a "$work/results" >&2
  run yarp-h2c "$bare_port" "$bare_pid" | tee -a "$work/results" >&2
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$work/results" | median; }

echo
echo "| path | req/s | p50 ms | p99 ms | CPU us/request (of) | non-2xx + socket errors |"
echo "|---|---|---|---|---|---|"
for name in direct proxy-h1 proxy-h2c haproxy-h1 haproxy-h2 yarp-h2c; do
  case "$name" in proxy*) of="Sidecar.Proxy" ;; haproxy*) of="haproxy" ;; yarp*) of="bare forwarder" ;; *) of="node" ;; esac
  echo "| $name | $(col "$name" 2) | $(col "$name" 3) | $(col "$name" 4) | $(col "$name" 5) ($of) | $(awk -v n="$name" '$1 == n { e += $7 } END { print e + 0 }' "$work/results") |"
done
ratio() { awk -v a="$(col "$1" "$3")" -v b="$(col "$2" "$3")" 'BEGIN { printf "%.2fx", a / b }'; }
echo
echo "proxy CPU per request / haproxy's (bar: 1.5x): h2c to the nodes vs haproxy on HTTP/1.1 $(ratio proxy-h2c haproxy-h1 5)," \
  "both on HTTP/2 $(ratio proxy-h2c haproxy-h2 5), both on HTTP/1.1 $(ratio proxy-h1 haproxy-h1 5)"
echo "bare YARP forwarder over h2c / haproxy over h2: $(ratio yarp-h2c haproxy-h2 5); Sidecar.Proxy over h2c / bare forwarder: $(ratio proxy-h2c yarp-h2c 5)"
echo "throughput vs direct: proxy-h1 $(ratio proxy-h1 direct 2), proxy-h2c $(ratio proxy-h2c direct 2)," \
  "haproxy-h1 $(ratio haproxy-h1 direct 2), haproxy-h2 $(ratio haproxy-h2 direct 2)"
echo "(medians of $rounds rounds; $(nproc) cores; wrk -t$threads -c$connections -d${seconds}s, $users users)"
