// LAB ONLY: the calicoctl that picocal installs on the virtual PicoCluster's boards, which have no
// internet to fetch the real binary from. It is not calicoctl: a POSIX shell script answering the commands
// picocal relies on, in calicoctl's output format, and as strict as calicoctl about its datastore config:
//   datastore   /etc/calico/calicoctl.cfg (readable; datastoreType kubernetes; its kubeconfig), else the
//               KUBECONFIG variable, else $HOME/.kube/config — calicoctl's order
//               (https://docs.tigera.io/calico/latest/operations/calicoctl/configure/overview, /configure/kdd;
//               "Config file ... cannot be read - reading config from environment": libcalico-go apiconfig/load.go).
//   `calicoctl version`     → "Client Version:    v3.31.7", "Git commit: ...", then with a datastore the
//                             ClusterInformation's "Cluster Version:"/"Cluster Type:" (exit 0), with a datastore
//                             it cannot read "Unable to retrieve Cluster Version or Type: ..." (exit 1), and with
//                             none at all "Unable to detect installed Calico version" (exit 0; projectcalico/calico
//                             #5260, #5455, calicoctl/commands/version.go).
//   `calicoctl ipam ...`, `get ...` without any datastore config → "invalid configuration: no configuration has
//                             been provided, try setting KUBERNETES_MASTER environment variable" (exit 1, #5260).
//   `calicoctl node status` → "Calico process is running." when the calico-node stand-in's Felix
//                             /liveness answers on 127.0.0.1:9099, else "Calico process is not running."
//                             (exit 1); the lab has no BGP daemon, so it reports none, as calicoctl does
//                             when calico-node runs without BIRD. It needs no datastore (commands/node/status.go).
// Anything else exits 1 naming itself a stand-in. Its text (and so its sha256) differs per release, so an
// upgrade replaces it on the boards exactly as it would replace the real binary.
import type { CalicoRelease } from '../../catalog/versions.js';

export function calicoctlStandIn(release: CalicoRelease): string {
  return `#!/bin/sh
# LAB ONLY: picocal's calicoctl stand-in for the virtual PicoCluster (not calicoctl) — ${release.tag}
VERSION='${release.tag}'
CFG=/etc/calico/calicoctl.cfg
# Sets KC to the datastore's kubeconfig: 0 found, 1 configured but unusable (ERR says why), 2 none at all.
datastore() {
  if [ -r "$CFG" ]; then
    if ! grep -Eq '^[[:space:]]*datastoreType:[[:space:]]*"?kubernetes"?[[:space:]]*$' "$CFG"; then
      ERR="LAB ONLY stand-in: $CFG has no datastoreType: kubernetes"; return 1
    fi
    KC=$(sed -n 's/^[[:space:]]*kubeconfig:[[:space:]]*//p' "$CFG" | tr -d '"' | head -n 1)
    [ -n "$KC" ] || { ERR="$CFG names no kubeconfig"; return 1; }
  elif [ -n "\${KUBECONFIG:-}" ]; then KC=$KUBECONFIG
  elif [ -n "\${HOME:-}" ] && [ -e "$HOME/.kube/config" ]; then KC=$HOME/.kube/config
  else return 2
  fi
  if [ ! -e "$KC" ]; then ERR="stat $KC: no such file or directory"; return 1; fi
  if [ ! -r "$KC" ]; then ERR="open $KC: permission denied"; return 1; fi
  return 0
}
case "$1 $2" in
  "version "*|"--version "*)
    printf 'Client Version:    %s\\nGit commit:        lab-stand-in\\n' "$VERSION"
    datastore; rc=$?
    if [ $rc -eq 2 ]; then echo "Unable to detect installed Calico version"; exit 0; fi
    if [ $rc -eq 0 ]; then
      info=$(kubectl --kubeconfig "$KC" --request-timeout=10s get clusterinformations.crd.projectcalico.org default \\
        -o 'jsonpath={.spec.calicoVersion} {.spec.clusterType}' 2>&1) || { ERR=$(echo "$info" | head -n 1); rc=1; }
    fi
    if [ $rc -ne 0 ]; then echo "Unable to retrieve Cluster Version or Type: $ERR" >&2; exit 1; fi
    printf 'Cluster Version:   %s\\nCluster Type:      %s\\n' "\${info%% *}" "\${info#* }"
    ;;
  "ipam "*|"get "*)
    datastore
    if [ $? -eq 2 ]; then
      echo "invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable" >&2
      exit 1
    fi
    echo "LAB ONLY calicoctl stand-in ($VERSION): '$*' is not implemented" >&2
    exit 1
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
