// LAB ONLY: the calicoctl that picocal installs on the virtual PicoCluster's boards, which have no
// internet to fetch the real binary from. It is not calicoctl: a POSIX shell script answering the two
// commands picocal relies on, in calicoctl's output format —
//   `calicoctl version`     → "Client Version:    v3.31.7" (the release it stands in for)
//   `calicoctl node status` → "Calico process is running." when the calico-node stand-in's Felix
//                             /liveness answers on 127.0.0.1:9099, else "Calico process is not running."
//                             (exit 1); the lab has no BGP daemon, so it reports none, as calicoctl does
//                             when calico-node runs without BIRD.
// Anything else exits 1 naming itself a stand-in. Its text (and so its sha256) differs per release, so an
// upgrade replaces it on the boards exactly as it would replace the real binary.
import type { CalicoRelease } from '../../catalog/versions.js';

export function calicoctlStandIn(release: CalicoRelease): string {
  return `#!/bin/sh
# LAB ONLY: picocal's calicoctl stand-in for the virtual PicoCluster (not calicoctl) — ${release.tag}
VERSION='${release.tag}'
case "$1 $2" in
  "version "*|"--version "*)
    printf 'Client Version:    %s\\nGit commit:        lab-stand-in\\n' "$VERSION"
    ;;
  "node status")
    if [ "$(id -u)" -ne 0 ]; then
      echo "calicoctl node status must be run as root" >&2
      exit 1
    fi
    if curl -sf -m 3 -o /dev/null http://127.0.0.1:9099/liveness 2>/dev/null; then
      printf 'Calico process is running.\\n\\nNone of the BGP backend processes (BIRD or GoBGP) are running.\\n'
    else
      echo "Calico process is not running."
      exit 1
    fi
    ;;
  *)
    echo "LAB ONLY calicoctl stand-in ($VERSION): '$*' is not implemented" >&2
    exit 1
    ;;
esac
`;
}
