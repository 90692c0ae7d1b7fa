// The fixed shell scripts verify runs: piped to `sh -s` on stdin, one run per node (and one for the
// cluster side on the control plane). Nothing from the inventory is ever pasted into their text; values
// arrive as positional parameters, quoted by shellQuote like every other argument.
import { shellQuote } from '../ssh/shell-quote.js';

/** Files node prep writes; verify checks they are still in place. */
export const NODE_PREP_FILES = [
  '/etc/modules-load.d/calico.conf',
  '/etc/sysctl.d/90-calico.conf',
  '/etc/NetworkManager/conf.d/calico.conf',
] as const;

// Scratch files live in one private folder from \`mktemp -d\` (mode 0700, so no other user can plant a
// link there), removed on exit and on HUP/INT/TERM; there is no fallback name in /tmp.
// Shared helpers: emit one value; run a command as a framed section (stdout only; stderr, when there is
// any, as a `<name>.stderr` section so JSON bodies stay parseable); run a command bounded by coreutils
// `timeout` when present, as root through `sudo -n` when asked (argv is built up, since neither timeout
// nor sudo can run a shell function).
const PRELUDE = `M=$1
LC_ALL=C
export LC_ALL
PATH=$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/sbin
export PATH
D=$(mktemp -d 2>/dev/null) || { echo 'picocal probe: mktemp -d failed: no private temp folder' >&2; exit 1; }
trap 'rm -rf "$D"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
TMP=$D/body
emit() { printf '%s %s %s\\n' "$M" "$1" "$2"; }
section() {
  name=$1
  shift
  printf '%s begin %s\\n' "$M" "$name"
  "$@" 2>"$D/err"
  rc=$?
  printf '\\n%s end %s %s\\n' "$M" "$name" "$rc"
  if [ -s "$D/err" ]; then
    printf '%s begin %s.stderr\\n' "$M" "$name"
    cat "$D/err"
    printf '\\n%s end %s.stderr 0\\n' "$M" "$name"
  fi
}
limited() {
  who=$1
  shift
  if command -v timeout >/dev/null 2>&1; then set -- timeout "$LIMIT" "$@"; fi
  if [ "$who" = root ] && [ "$(id -u)" -ne 0 ]; then set -- sudo -n "$@"; fi
  "$@"
}
`;

// $2 Felix health port, $3 bgp|nobgp, $4 per-command time limit in seconds, then the node-prep files.
const NODE_BODY = `PORT=$2
BGP=$3
LIMIT=$4
shift 4
http_get() {
  url=$2
  : >"$TMP"
  if command -v curl >/dev/null 2>&1; then
    tool=curl
    status=$(curl -s -m "$LIMIT" -o "$TMP" -w '%{http_code}' "$url" 2>/dev/null)
  elif command -v wget >/dev/null 2>&1; then
    tool=wget
    wget -q -S -T "$LIMIT" -t 1 -O "$TMP" "$url" 2>"$D/headers"
    status=$(sed -n 's/^ *HTTP\\/[0-9.]* \\([0-9][0-9][0-9]\\).*/\\1/p' "$D/headers" | tail -n 1)
  elif command -v python3 >/dev/null 2>&1; then
    tool=python3
    status=$(python3 -c '
import sys, urllib.error, urllib.request
try:
    r = urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[3]))
    code, body = r.status, r.read()
except urllib.error.HTTPError as e:
    code, body = e.code, e.read()
except Exception:
    code, body = 0, b""
open(sys.argv[2], "wb").write(body)
print(code)
' "$url" "$TMP" "$LIMIT" 2>/dev/null)
  else
    tool=none
    status=0
  fi
  emit "http.$1.tool" "$tool"
  emit "http.$1.status" "\${status:-0}"
  section "http.$1.body" cat "$TMP"
}
emit arch "$(uname -m)"
emit kernel "$(uname -r)"
emit hostname "$(hostname 2>/dev/null || uname -n)"
http_get readiness "http://127.0.0.1:$PORT/readiness"
http_get liveness "http://127.0.0.1:$PORT/liveness"
section links ip -o link show
if command -v calicoctl >/dev/null 2>&1; then
  section calicoctl limited root calicoctl version
fi
if [ "$BGP" = bgp ]; then
  section bgp limited root calicoctl node status
fi
for f in "$@"; do
  if [ -f "$f" ]; then emit "file:$f" 1; else emit "file:$f" 0; fi
done
emit done 1
`;

// $2 kubectl, $3 kubeconfig, $4 per-command time limit in seconds, then the sections to run: `all` is the one
// call for every cluster-side check (a List of pods, TigeraStatuses and Installations, split by
// cluster-list.ts); the others are the single-resource calls it stands for, asked when `all` cannot answer.
// k3s keeps its kubeconfig root-only: use sudo -n only when the file is not readable as the login user.
const CLUSTER_BODY = `KUBECTL=$2
KUBECONFIG_FILE=$3
LIMIT=$4
shift 4
kc() {
  if [ -r "$KUBECONFIG_FILE" ]; then
    limited user "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" --request-timeout="\${LIMIT}s" "$@"
  else
    limited root "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" --request-timeout="\${LIMIT}s" "$@"
  fi
}
for s in "$@"; do
  case $s in
    all) section all kc get pods,tigerastatus,installation --all-namespaces -o json ;;
    pods) section pods kc get pods -n calico-system -l k8s-app=calico-node -o json ;;
    tigerastatus) section tigerastatus kc get tigerastatus calico -o json ;;
    installation) section installation kc get installation default -o json ;;
    allpods) section allpods kc get pods --all-namespaces -o json ;;
  esac
done
emit done 1
`;

export const NODE_PROBE_SCRIPT = PRELUDE + NODE_BODY;
export const CLUSTER_PROBE_SCRIPT = PRELUDE + CLUSTER_BODY;

export interface NodeProbeParams {
  marker: string;
  felixPort: number;
  bgp: boolean;
  limitSeconds: number;
}

/** argv for `sh -s`: the script comes on stdin, parameters after `--`. */
export function nodeProbeArgv(p: NodeProbeParams): string[] {
  return [
    'sh',
    '-s',
    '--',
    p.marker,
    String(p.felixPort),
    p.bgp ? 'bgp' : 'nobgp',
    String(p.limitSeconds),
    ...NODE_PREP_FILES,
  ];
}

export interface ClusterProbeParams {
  marker: string;
  kubectl: string;
  kubeconfig: string;
  limitSeconds: number;
  /** `all` (one kubectl call), or single-resource sections (see CLUSTER_BODY). */
  sections: readonly string[];
}

export function clusterProbeArgv(p: ClusterProbeParams): string[] {
  return ['sh', '-s', '--', p.marker, p.kubectl, p.kubeconfig, String(p.limitSeconds), ...p.sections];
}

/** For --debug: the command line exactly as the node's shell receives it. */
export function describeArgv(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
