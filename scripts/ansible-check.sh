#!/usr/bin/env bash
# Static checks of infrastructure/ under both Ansible versions picocal supports: `--syntax-check` of every
# playbook with Debian's ansible-playbook (2.14 on bookworm) and with the newest ansible-core (the pinned
# venv from scripts/ansible-venv.sh), then `ansible-lint --profile production`, which must report nothing.
# ansible-lint parses only .yml/.yaml files as YAML: given a *.ansible playbook (even declared under
# `kinds`) it reports "Passed" without reading it. So the lint runs on a scratch copy of infrastructure/
# whose playbooks are renamed *.yml; nothing in the clone changes.
# usage: scripts/ansible-check.sh [VENV]   (VENV defaults to what scripts/ansible-venv.sh prints)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${1:-$(bash "$root/scripts/ansible-venv.sh")}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
playbooks=("$root"/infrastructure/security/*.ansible)
export ANSIBLE_CONFIG="$root/infrastructure/ansible.cfg"
for ap in "$(command -v ansible-playbook)" "$venv/bin/ansible-playbook"; do
  echo "== syntax-check: $("$ap" --version | head -n 1)"
  "$ap" --syntax-check -i "$root/inventory/picocluster.yaml" "${playbooks[@]}"
done
unset ANSIBLE_CONFIG
cp -r "$root/infrastructure" "$scratch/infrastructure"
cp "$root/.ansible-lint" "$scratch/.ansible-lint"
for f in "$scratch"/infrastructure/security/*.ansible; do mv "$f" "${f%.ansible}.yml"; done
export PATH="$venv/bin:$PATH"
# Without ansible.cfg (not in the lint's working folder), picocal's modules are found as ansible.cfg finds them.
export ANSIBLE_LIBRARY="$scratch/infrastructure/library"
echo "== ansible-lint --profile production: $(ansible-lint --version | head -n 1)"
cd "$scratch"
ansible-lint --profile production --strict -f pep8 --nocolor infrastructure
