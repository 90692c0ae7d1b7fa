#!/usr/bin/env bash
# README quick start, command one: on a fresh Debian machine (as root), install what picocal needs, start
# the built-in virtual PicoCluster (5 boards), bootstrap Calico on it and show the health table. The lab
# stays up for exploring; `node dist/src/cli/picocal.js lab down --name demo` removes it.
set -euo pipefail

# The virtual PicoCluster needs root (network namespaces, a bridge): run as root, or through sudo when it
# is there (a root shell on a minimal machine often has no sudo at all).
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    echo "picocal quickstart: the virtual PicoCluster needs root; re-running with sudo" >&2
    exec sudo --preserve-env=PATH bash "$0" "$@"
  fi
  echo "picocal quickstart: the virtual PicoCluster needs root (network namespaces) and sudo is not installed: run it as root, e.g. su -c 'bash scripts/quickstart.sh'" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "picocal quickstart: Node.js 20 or newer is required (https://nodejs.org or your distribution)" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
bash scripts/install-deps.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent
picocal() { node dist/src/cli/picocal.js "$@"; }

picocal lab down --name demo >/dev/null 2>&1 || true
picocal lab up --name demo
inventory=$(picocal lab status --name demo --output json | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).inventory))')

# Calico's real manifests go into the download cache once (sha256-checked), so that every later command finds
# them offline: from the reference copy beside the project, else downloaded. Without either (no internet),
# the lab falls back to its own stand-in manifests (LAB ONLY, clearly marked).
if [ -d ../shared/calico ]; then
  picocal artifacts import ../shared/calico
elif ! picocal artifacts fetch --version 3.32.1 >/dev/null 2>&1; then
  echo "picocal quickstart: no internet access for Calico's manifests: the lab uses its stand-in set" >&2
fi

picocal bootstrap -i "$inventory"
echo
echo "The virtual PicoCluster 'demo' is still up: try"
echo "  node dist/src/cli/picocal.js verify -i $inventory"
echo "  node dist/src/cli/picocal.js lab status --name demo"
echo "Remove it with: node dist/src/cli/picocal.js lab down --name demo"
