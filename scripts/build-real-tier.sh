#!/usr/bin/env bash
# Builds the real components of the virtual PicoCluster's real dataplane tier (issue 16) from published
# Go modules, into a cache OUTSIDE the clone so a fresh clone on the same machine reuses it:
#
#   ${PICOCAL_REAL_TIER_DIR:-/var/cache/picocal/real-tier}/<component>-<version>/<binary>
#   ${PICOCAL_REAL_TIER_DIR:-/var/cache/picocal/real-tier}/<component>-<version>/stamp
#
# The stamp records the sha256 of the building module's go.mod + go.sum, the Go version, the package and
# the flags; a component whose stamp matches is skipped (idempotent). Nothing upstream is vendored: each
# component is `go build` of a main package of a module pinned in lab-real/<module>/go.mod + go.sum.
#
# CPU: the build runs under `nice -n 19` with one compile job at a time (GOFLAGS -p=1) unless
# PICOCAL_BUILD_JOBS says otherwise, so it never starves the machine it shares.
#
# Calico (calico-node, the CNI plugin/calico-ipam, calicoctl) is NOT built here: the Go module proxy that
# this project's machines reach serves no version of github.com/projectcalico/calico at v3.31.x or v3.32.x
# (every request answers "403 This module version is not available"; see docs/BENCHMARKS.md, "Real
# dataplane tier: phase 0 spike"). The script checks that once per run and says so; the lab test skips
# the real tier with that message while the binaries are missing.
#
# Usage: scripts/build-real-tier.sh [--list] [COMPONENT...]
#   --list      print each component, its cache folder and whether it is built; build nothing
#   COMPONENT   only these (etcd, kube-apiserver); default all
# Exit: 0 all buildable components built (or already built); 1 a build failed (the failing command and
# the tail of its log are printed); 2 bad usage or Go missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${PICOCAL_REAL_TIER_DIR:-/var/cache/picocal/real-tier}"
jobs="${PICOCAL_BUILD_JOBS:-1}"
list_only=0
only=()
for arg in "$@"; do
  case "$arg" in
    --list) list_only=1 ;;
    etcd | kube-apiserver) only+=("$arg") ;;
    *) echo "usage: $0 [--list] [etcd|kube-apiserver ...]" >&2; exit 2 ;;
  esac
done

if ! command -v go >/dev/null 2>&1; then
  echo "build-real-tier: Go is not installed (the real tier needs Go >= 1.25 and the Go module proxy)" >&2
  exit 2
fi

kver=v1.35.4
kv=k8s.io/component-base/version
# name | version | module folder under lab-real/ | main package | binary | extra ldflags
components=(
  "etcd|v3.6.5|k8s|go.etcd.io/etcd/server/v3|etcd|"
  "kube-apiserver|${kver}|k8s|k8s.io/kubernetes/cmd/kube-apiserver|kube-apiserver|-X ${kv}.gitVersion=${kver} -X ${kv}.gitMajor=1 -X ${kv}.gitMinor=35 -X ${kv}.gitTreeState=clean"
)

goversion="$(go env GOVERSION)"
mkdir -p "$cache/logs"

stamp_for() { # module-folder package ldflags
  {
    cat "$here/lab-real/$1/go.mod" "$here/lab-real/$1/go.sum" | sha256sum | cut -d' ' -f1
    echo "go=$goversion"
    echo "package=$2"
    echo "ldflags=$3"
    echo "cgo=0 trimpath"
  }
}

failed=0
for row in "${components[@]}"; do
  IFS='|' read -r name version module pkg bin extra <<<"$row"
  if ((${#only[@]})) && [[ " ${only[*]} " != *" $name "* ]]; then continue; fi
  dir="$cache/$name-$version"
  ldflags="-s -w $extra"
  want="$(stamp_for "$module" "$pkg" "$ldflags")"
  if [[ -x "$dir/$bin" && -f "$dir/stamp" && "$(cat "$dir/stamp")" == "$want" ]]; then
    echo "[real-tier] $name $version: up to date ($dir/$bin)"
    continue
  fi
  if ((list_only)); then
    echo "[real-tier] $name $version: not built ($dir)"
    continue
  fi
  echo "[real-tier] $name $version: building $pkg (nice 19, -p=$jobs) ..."
  tmp="$dir.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  log="$cache/logs/$name-$version.log"
  timer=()
  [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -v -o "$log.time")
  cmd=(nice -n 19 go build -trimpath -ldflags "$ldflags" -o "$tmp/$bin" "$pkg")
  start=$(date +%s)
  if (cd "$here/lab-real/$module" && CGO_ENABLED=0 GOFLAGS="-mod=readonly -p=$jobs" GOTOOLCHAIN=local \
    "${timer[@]}" "${cmd[@]}") >"$log" 2>&1; then
    rm -rf "$dir" && mv "$tmp" "$dir"
    printf '%s\n' "$want" >"$dir/stamp"
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log.time" 2>/dev/null || true)
    echo "[real-tier] $name $version: built in $(($(date +%s) - start)) s, peak RSS ${rss:-?} KiB," \
      "$(stat -c %s "$dir/$bin") bytes"
  else
    rm -rf "$tmp"
    echo "[real-tier] $name $version: BUILD FAILED" >&2
    echo "  command: (cd lab-real/$module && CGO_ENABLED=0 GOFLAGS=-mod=readonly$(printf ' %q' "${cmd[@]}"))" >&2
    echo "  log: $log (last lines below)" >&2
    tail -n 20 "$log" | sed 's/^/    /' >&2
    failed=1
  fi
done

# Calico: check that the proxy still refuses it, and say where binaries built another way would go.
for cv in v3.32.1 v3.31.7; do
  dir="$cache/calico-$cv"
  if [[ -x "$dir/calico-node" && -x "$dir/calico" && -x "$dir/calicoctl" ]]; then
    echo "[real-tier] calico $cv: present ($dir)"
  else
    echo "[real-tier] calico $cv: not built: github.com/projectcalico/calico is not served by the Go" \
      "module proxy at $cv; the real tier needs calico-node, calico (CNI, also calico-ipam) and calicoctl" \
      "in $dir"
  fi
done

exit "$failed"
