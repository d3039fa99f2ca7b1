#!/usr/bin/env bash
# Builds every image of the deployment locally (nothing is pulled; no registry):
#   sidecar-base:local        the host's Debian 12 libraries + the dotnet runtime (+ iptables, tc)
#   sidecar-node:local, sidecar-proxy:local, sidecar-replicator:local, sidecar-cli:local,
#   sidecar-kafka:local       the apps, framework-dependent, COPYed onto the base
#   sidecar-consul:local      FROM scratch: the consul binary (tools/consul/ensure-consul.sh) + libc
#   sidecar-prometheus:local  FROM scratch: prometheus and promtool (tools/prometheus/ensure-prometheus.sh) + libc
# The apps are published once (--no-build: run after `dotnet build Sidecar.sln -c Release`, or
# pass --build) into compose/images/.build/, which is also every image's build context; docker's
# layer cache makes a rebuild with unchanged inputs take seconds.
# Usage: compose/images/build.sh [--build] [image ...]    (default: every image)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
stage="$here/.build"
configuration="${CONFIGURATION:-Release}"
tag="${SIDECAR_IMAGE_TAG:-local}"

say() { echo "images: $*" >&2; }
fail() { say "$*"; exit 1; }

build_first=0
wanted=()
for arg in "$@"; do
  case "$arg" in
    --build) build_first=1 ;;
    base|node|proxy|replicator|cli|kafka|consul|prometheus) wanted+=("$arg") ;;
    *) fail "unknown argument $arg" ;;
  esac
done
[ "${#wanted[@]}" -gt 0 ] || wanted=(base node proxy replicator cli kafka consul prometheus)
want() { local w; for w in "${wanted[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }

command -v docker >/dev/null || fail "no docker CLI"
mkdir -p "$stage"

# ---- the host's libraries a set of binaries needs (their ldd closure), as absolute paths
closure() {
  local file
  for file in "$@"; do
    [ -e "$file" ] || continue
    echo "$file"
    # Not every file is dynamically linked: ldd's failure is no error here.
    ldd "$file" 2>/dev/null | awk '/=> \// { print $3 } /^[ \t]*\/[^ ]+ \(/ { print $1 }' || true
  done | sort -u
}

# Files of the rootfs: every path is taken with its symlink chain so that names resolve.
# Directories are taken by their real path (Debian 12's /lib is a link to /usr/lib; the rootfs
# gets the same links from usr_links).
copy_into() {
  local root="$1" path real
  shift
  for path in "$@"; do
    [ -e "$path" ] || continue
    real="$(realpath "$(dirname "$path")")/$(basename "$path")"
    mkdir -p "$root$(dirname "$real")"
    cp -a "$real" "$root$real"
    if [ -L "$real" ]; then
      copy_into "$root" "$(readlink -f "$real")"
    fi
  done
}

usr_links() {
  local dir
  for dir in bin lib lib64 sbin; do
    if [ -L "/$dir" ]; then
      mkdir -p "$1/usr/$dir"
      ln -s "usr/$dir" "$1/$dir"
    fi
  done
}

# Deterministic tar (names sorted, fixed times and owners): identical inputs give an identical
# archive, so docker's cache holds across runs.
pack() {
  tar --sort=name --mtime='2000-01-01 00:00Z' --owner=0 --group=0 --numeric-owner -C "$1" -cf "$2" .
}

build_image() {
  local name="$1"
  say "sidecar-$name:$tag"
  local out
  # The classic builder: docker.io 20.10 has no buildx; its notice is noise unless it fails.
  if ! out="$(DOCKER_BUILDKIT=0 docker build -q --build-arg "BASE=sidecar-base:$tag" -t "sidecar-$name:$tag" \
      -f "$here/$name/Dockerfile" "$stage/$name" 2>&1)"; then
    fail "docker build of sidecar-$name failed: $out"
  fi
}

# ---- base: dotnet runtime + what it loads, from the host (Debian 12)
if want base; then
  dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  runtime="$(ls -d "$dotnet_root"/shared/Microsoft.NETCore.App/* | sort -V | tail -n 1)"
  aspnet="$(ls -d "$dotnet_root"/shared/Microsoft.AspNetCore.App/* | sort -V | tail -n 1)"
  fxr="$(ls -d "$dotnet_root"/host/fxr/* | sort -V | tail -n 1)"
  root="$stage/base/rootfs"
  rm -rf "$root"
  mkdir -p "$root/usr/share/dotnet/shared/Microsoft.NETCore.App" "$root/usr/share/dotnet/shared/Microsoft.AspNetCore.App" \
    "$root/usr/share/dotnet/host/fxr" "$root/tmp" "$root/etc" "$root/app" "$root/data"
  chmod 1777 "$root/tmp"
  usr_links "$root"
  cp "$dotnet_root/dotnet" "$root/usr/share/dotnet/"
  cp -a "$runtime" "$root/usr/share/dotnet/shared/Microsoft.NETCore.App/"
  cp -a "$aspnet" "$root/usr/share/dotnet/shared/Microsoft.AspNetCore.App/"
  cp -a "$fxr" "$root/usr/share/dotnet/host/fxr/"
  # Network fault tools for the chaos tests (iptables random loss, tbf caps; no netem here);
  # bash for the compose health checks (its /dev/tcp is the HTTP probe: the image has no curl).
  if { [ ! -x /usr/sbin/tc ] || [ ! -x /usr/sbin/xtables-nft-multi ]; } && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian's iproute2 and iptables for the base image"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iproute2 iptables >&2 || say "warning: could not install iproute2/iptables"
  fi
  tools=()
  for tool in /bin/sh /bin/bash /usr/sbin/xtables-nft-multi /usr/sbin/tc /usr/sbin/ip; do
    [ -x "$tool" ] && tools+=("$tool") || say "warning: $tool is missing on this host; the base image goes without it"
  done
  natives=("$dotnet_root/dotnet" "$runtime"/*.so "$aspnet"/*.so "$fxr"/*.so "${tools[@]}")
  # Loaded with dlopen, so ldd of the runtime does not list them: OpenSSL (hashing, TLS), the
  # iptables match/target modules.
  extra=(/usr/lib/x86_64-linux-gnu/libssl.so.3 /usr/lib/x86_64-linux-gnu/libcrypto.so.3)
  mapfile -t libs < <(closure "${natives[@]}" "${extra[@]}" | grep -v "^$dotnet_root")
  copy_into "$root" "${libs[@]}" "${tools[@]}" /lib64/ld-linux-x86-64.so.2
  if [ -d /usr/lib/x86_64-linux-gnu/xtables ]; then
    mapfile -t xt < <(closure /usr/lib/x86_64-linux-gnu/xtables/*.so)
    copy_into "$root" "${xt[@]}"
  fi
  if [ -x /usr/sbin/xtables-nft-multi ]; then
    for name in iptables iptables-save iptables-restore; do ln -sf xtables-nft-multi "$root/usr/sbin/$name"; done
  fi
  printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/app:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\napp:x:1000:\n' >"$root/etc/group"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
  cp /etc/protocols /etc/services "$root/etc/" 2>/dev/null || true
  pack "$root" "$stage/base/rootfs.tar"
  rm -rf "$root"
  build_image base
fi

# ---- the apps, framework-dependent, published once
publish() {
  local name="$1" project="$2"
  rm -rf "$stage/$name/app"
  mkdir -p "$stage/$name"
  local args=(-c "$configuration" -nologo -v quiet -o "$stage/$name/app" -p:UseAppHost=false)
  [ "$build_first" -eq 1 ] || args+=(--no-build)
  dotnet publish "$repo/$project" "${args[@]}" >&2 || fail "dotnet publish $project failed (build the solution first, or pass --build)"
  rm -f "$stage/$name/app"/*.pdb
}

want node && { publish node sidecar/Sidecar.Node/Sidecar.Node.csproj; build_image node; }
want proxy && { publish proxy proxy/Sidecar.Proxy/Sidecar.Proxy.csproj; build_image proxy; }
want replicator && { publish replicator replicator/Sidecar.Replicator/Sidecar.Replicator.csproj; build_image replicator; }
want cli && { publish cli tools/Sidecar.Cli/Sidecar.Cli.csproj; build_image cli; }
want kafka && { publish kafka tools/Sidecar.KafkaMock/Sidecar.KafkaMock.csproj; build_image kafka; }

# ---- consul: the real binary and the libc it links against, nothing else
if want consul; then
  consul="$("$repo/tools/consul/ensure-consul.sh" | tail -n 1)"
  [ -x "$consul" ] || fail "no consul binary"
  root="$stage/consul/rootfs"
  rm -rf "$root"
  mkdir -p "$root/tmp" "$root/consul/data" "$root/etc"
  chmod 1777 "$root/tmp"
  usr_links "$root"
  cp "$(readlink -f "$consul")" "$root/usr/bin/consul"
  mapfile -t libs < <(closure "$consul" | grep -v "^$(readlink -f "$consul")$" | grep -v "^$consul$")
  copy_into "$root" "${libs[@]}"
  printf 'root:x:0:0:root:/:/bin/consul\n' >"$root/etc/passwd"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
  pack "$root" "$stage/consul/rootfs.tar"
  rm -rf "$root"
  build_image consul
fi
# ---- prometheus: the real server and promtool (its health check) and the libc they link against
if want prometheus; then
  prometheus="$("$repo/tools/prometheus/ensure-prometheus.sh" | tail -n 1)"
  [ -x "$prometheus" ] || fail "no prometheus binary"
  promtool="$(dirname "$prometheus")/promtool"
  [ -x "$promtool" ] || promtool="$("$repo/tools/prometheus/ensure-promtool.sh" | tail -n 1)"
  root="$stage/prometheus/rootfs"
  rm -rf "$root"
  mkdir -p "$root/tmp" "$root/prometheus" "$root/etc/prometheus" "$root/usr/bin"
  chmod 1777 "$root/tmp"
  chmod 777 "$root/prometheus"
  usr_links "$root"
  cp "$(readlink -f "$prometheus")" "$root/usr/bin/prometheus"
  cp "$(readlink -f "$promtool")" "$root/usr/bin/promtool"
  mapfile -t libs < <(closure "$prometheus" "$promtool" | grep -v "^$(readlink -f "$prometheus")$" | grep -v "^$(readlink -f "$promtool")$" | grep -v "^$prometheus$" | grep -v "^$promtool$")
  copy_into "$root" "${libs[@]}"
  printf 'root:x:0:0:root:/:/bin/prometheus\n' >"$root/etc/passwd"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
  pack "$root" "$stage/prometheus/rootfs.tar"
  rm -rf "$root"
  build_image prometheus
fi
say "done: $(docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep "^sidecar-.*:$tag " | tr '\n' ' ')"
