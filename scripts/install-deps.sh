#!/usr/bin/env bash
# System packages picocal's lab and tests use: the real ansible-playbook, OpenSSH client and server
# (the virtual PicoCluster's nodes), iproute2 and iptables (namespaces, bridge, isolation), and
# promtool (Prometheus rule checks), netcat (probes in the lab). kubectl comes with this machine image; see README "Requirements".
set -euo pipefail
need=()
command -v ansible-playbook >/dev/null || need+=(ansible-core)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null || need+=(openssh-client)
command -v ip >/dev/null || need+=(iproute2)
command -v iptables >/dev/null || need+=(iptables)
command -v ssh-keygen >/dev/null || need+=(openssh-client)
command -v promtool >/dev/null || need+=(prometheus)
command -v curl >/dev/null || need+=(curl)
# nc: the lab's `kubectl exec` stand-in runs host programs, and calico-validate --probe's default probe is nc.
command -v nc >/dev/null || need+=(netcat-openbsd)
# zsh, fish: `picocal completion zsh|fish` is tested in the real shells.
command -v zsh >/dev/null || need+=(zsh)
command -v fish >/dev/null || need+=(fish)
# The lab's boards: a login user with sudo, as on Raspberry Pi OS (sudo), and a FAT-like /boot/firmware
# served by a FUSE file system in Python (python3-fusepy on libfuse2, whose fusermount is in `fuse`);
# the pinned ansible-core venv of scripts/ansible-venv.sh (python3-venv). Debian 12 packages:
# https://packages.debian.org/bookworm/python3-fusepy https://packages.debian.org/bookworm/fuse
command -v sudo >/dev/null || need+=(sudo)
/usr/bin/python3 -c 'import fusepy' 2>/dev/null || need+=(python3-fusepy)
command -v fusermount >/dev/null || need+=(fuse)
/usr/bin/python3 -c 'import ensurepip' 2>/dev/null || need+=(python3-venv)
# ipset, conntrack, nft: the real Felix of the real dataplane tier (issue 16) executes them in each board.
command -v ipset >/dev/null || need+=(ipset)
command -v conntrack >/dev/null || need+=(conntrack)
command -v nft >/dev/null || need+=(nftables)
# sysbench: bench/pi-profile-calibration.ts compares a profiled lab board with published Raspberry Pi sysbench
# figures (https://packages.debian.org/bookworm/sysbench). tc (netem) comes with iproute2.
command -v sysbench >/dev/null || need+=(sysbench)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "picocal: missing packages: ${need[*]}; install them as root: apt-get install ${need[*]}" >&2
    exit 2
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
