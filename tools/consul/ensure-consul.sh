#!/usr/bin/env bash
# Prints, as its last line of output, the absolute path of a usable `consul` binary.
#   1. `consul` on PATH (a developer's machine), else
#   2. one fetched earlier into <repo>/.tools/consul/consul, else
#   3. Debian 11's package `consul` fetched now and unpacked there. The system's apt
#      configuration is not touched: a private sources list takes this machine's own
#      configured Debian mirror (read from its apt sources) with the suite set to bullseye,
#      and private lists/cache directories live under .tools/.
# Progress goes to stderr; exits non-zero with a reason if no binary can be had.
set -euo pipefail

version="${CONSUL_DEB_VERSION:-1.8.7+dfsg1-2+b3}"
suite="bullseye"
apt_etc="${ENSURE_CONSUL_APT_ETC:-/etc/apt}" # where this machine's apt sources are read from
repo="$(cd "$(dirname "$0")/../.." && pwd)"
tools="$repo/.tools/consul"
target="$tools/consul"

say() { echo "ensure-consul: $*" >&2; }
fail() { say "$*"; exit 1; }

works() { "$1" version >/dev/null 2>&1; }

if found="$(command -v consul 2>/dev/null)" && works "$found"; then
  echo "$found"
  exit 0
fi

if [ -x "$target" ] && works "$target"; then
  echo "$target"
  exit 0
fi

command -v apt-get >/dev/null || fail "no consul on PATH and no apt-get to fetch Debian's package; install consul and put it on PATH"
command -v dpkg-deb >/dev/null || fail "no consul on PATH and no dpkg-deb to unpack Debian's package"

# The Debian archive URIs this machine is configured with: entries whose suite is a bare
# release codename (not -security/-updates/-backports, which live elsewhere or lag behind).
# Prints "URI<TAB>signed-by" lines; signed-by may be empty.
debian_uris() {
  local file
  for file in "$apt_etc/sources.list" "$apt_etc"/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    # One-line format: deb [options] uri suite component...
    sed -e 's/#.*//' "$file" | awk '
      $1 == "deb" {
        signed = ""; i = 2
        if ($2 ~ /^\[/) {
          while (i <= NF) {
            if ($i ~ /^\[?signed-by=/) { s = $i; sub(/^\[?signed-by=/, "", s); sub(/\]$/, "", s); signed = s }
            if ($i ~ /\]$/) { i++; break }
            i++
          }
        }
        uri = $i; suite = $(i + 1)
        if (suite ~ /^[a-z]+$/ && uri ~ /\/debian\/?$/) print uri "\t" signed
      }'
  done
  for file in "$apt_etc"/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    # deb822 format: stanzas separated by blank lines; comment lines are dropped, not blanked.
    sed -e '/^[[:space:]]*#/d' "$file" | awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled !~ /^[Nn]o/) {
          n = split(suites, s, " "); bare = 0
          for (k = 1; k <= n; k++) if (s[k] ~ /^[a-z]+$/) bare = 1
          if (bare) { m = split(uris, u, " "); for (k = 1; k <= m; k++) if (u[k] ~ /\/debian\/?$/) print u[k] "\t" signed }
        }
        types = ""; uris = ""; suites = ""; signed = ""; enabled = ""
      }
      /^[ \t]*$/ { flush(); next }
      /^[A-Za-z-]+:/ {
        key = tolower($1); sub(/:$/, "", key); $1 = ""; value = $0; sub(/^[ \t]+/, "", value)
        if (key == "types") types = value
        else if (key == "uris") uris = value
        else if (key == "suites") suites = value
        else if (key == "signed-by") signed = value
        else if (key == "enabled") enabled = value
      }
      END { flush() }'
  done
}

mapfile -t sources < <(debian_uris | awk '!seen[$1]++')
[ "${#sources[@]}" -gt 0 ] || fail "no Debian archive found in $apt_etc/sources.list or $apt_etc/sources.list.d/*.{list,sources}; install consul and put it on PATH"

mkdir -p "$tools/apt/lists/partial" "$tools/apt/cache/archives/partial" "$tools/download"
list="$tools/apt/sources.list"
: >"$list"
for entry in "${sources[@]}"; do
  uri="${entry%%$'\t'*}"
  signed="${entry#*$'\t'}"
  if [ -n "$signed" ] && [ -f "$signed" ]; then
    echo "deb [signed-by=$signed] $uri $suite main" >>"$list"
  else
    echo "deb $uri $suite main" >>"$list"
  fi
done

apt_private=(
  -o "Dir::Etc::sourcelist=$list"
  -o "Dir::Etc::sourceparts=/nonexistent"
  -o "Dir::State::Lists=$tools/apt/lists"
  -o "Dir::Cache=$tools/apt/cache"
  -o "APT::Sandbox::User=root"
)

say "fetching Debian package consul=$version ($suite) with a private apt configuration"
apt-get "${apt_private[@]}" -qq update >&2 || fail "apt-get update of the private $suite sources failed"
(cd "$tools/download" && rm -f consul_*.deb && apt-get "${apt_private[@]}" -qq download "consul=$version" >&2) \
  || fail "apt-get download consul=$version failed"

deb="$(ls "$tools"/download/consul_*.deb 2>/dev/null | head -n 1)"
[ -n "$deb" ] || fail "apt-get download left no consul_*.deb"
rm -rf "$tools/root"
dpkg-deb -x "$deb" "$tools/root" || fail "dpkg-deb -x $deb failed"
[ -x "$tools/root/usr/bin/consul" ] || fail "the package holds no usr/bin/consul"
cp "$tools/root/usr/bin/consul" "$target.tmp"
mv "$target.tmp" "$target"
works "$target" || fail "$target does not run: $("$target" version 2>&1 | head -n 3)"
say "$("$target" version | head -n 1)"
echo "$target"
