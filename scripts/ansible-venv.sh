#!/usr/bin/env bash
# A pinned Python venv with the newest ansible-core and ansible-lint, next to Debian's ansible-core
# (2.14 on bookworm): CI runs the playbooks under both. The venv lives outside the clone, in a cache
# folder keyed by the pins (PICOCAL_ANSIBLE_VENV overrides it); it is built once and reused.
# Prints the venv's folder on stdout. Pins: `pip index versions ansible-core` / `ansible-lint`
# (ansible-core 2.19.14 is the newest that supports Python 3.11, Debian 12's Python; 2.20 needs 3.12).
set -euo pipefail
ANSIBLE_CORE_VERSION=2.19.14
ANSIBLE_LINT_VERSION=26.10.1
if [ "$(id -u)" -eq 0 ]; then cache=/var/cache/picocal; else cache="${XDG_CACHE_HOME:-$HOME/.cache}/picocal"; fi
venv="${PICOCAL_ANSIBLE_VENV:-$cache/venv-ansible-core-$ANSIBLE_CORE_VERSION-lint-$ANSIBLE_LINT_VERSION}"
if [ ! -x "$venv/bin/ansible-playbook" ] || [ ! -x "$venv/bin/ansible-lint" ]; then
  command -v /usr/bin/python3 >/dev/null || { echo "picocal: /usr/bin/python3 is missing (apt-get install python3-venv)" >&2; exit 2; }
  mkdir -p "$(dirname "$venv")"
  rm -rf "$venv.tmp"
  /usr/bin/python3 -m venv "$venv.tmp" >&2
  "$venv.tmp/bin/pip" install --quiet --disable-pip-version-check \
    "ansible-core==$ANSIBLE_CORE_VERSION" "ansible-lint==$ANSIBLE_LINT_VERSION" >&2
  # The venv's scripts name their interpreter by path: build under .tmp, then fix the paths and move.
  grep -rlI "$venv.tmp" "$venv.tmp/bin" | xargs sed -i "s#$venv.tmp#$venv#g"
  rm -rf "$venv"
  mv "$venv.tmp" "$venv"
fi
echo "$venv"
