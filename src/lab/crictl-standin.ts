// LAB ONLY: the `crictl` on the virtual PicoCluster's boards, where k3s's installer puts its link
// (/usr/local/bin/crictl → k3s). It is not crictl: a POSIX shell script answering the image commands
// picocal uses, with crictl's arguments, output and exit codes, and at least as strict
// (https://github.com/kubernetes-sigs/cri-tools/blob/master/docs/crictl.md; cmd/crictl/image.go):
//   root only        the runtime's socket is root's: as another user every command fails like crictl's
//                    connection check ("validate service connection: ... connect: permission denied", exit 1)
//   pull NAME[:TAG]  NAME is normalised as containerd does (docker.io/ for a bare name, library/ for a
//                    one-part docker.io name, :latest without a tag); a reference the lab's registry does not
//                    hold (anything outside picocal's catalog, an unpinned :latest) fails as a registry's
//                    "not found" does; otherwise it takes the board's pull time and prints
//                    "Image is up to date for sha256:…" (exit 0). A pull-fail fault fails it as an
//                    unreachable registry would. One name exactly ("image name cannot be empty").
//   images [-q|-o json|-o table] [REPO[:TAG]]   lists the board's images (json: {"images":[{"id",
//                    "repoTags","repoDigests","size",...}]}, as crictl prints the CRI ListImagesResponse)
//   inspecti [-q] [-o json] IMAGE...  the image's status as JSON; a missing one fails with
//                    `no such image "IMAGE" present` (exit 1)
// Anything else exits 1 naming itself a stand-in. Errors go to stderr in logrus's non-terminal format, as
// crictl's fatal errors do.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { IMAGE_STORE } from './image-store.js';

export const CRICTL_PATH = '/usr/local/bin/crictl';
/** The lab's faults folder as a board sees it (node-init.sh binds it read-only: the host's /tmp is hidden). */
export const BOARD_FAULTS_DIR = '/run/picocal-lab/faults';
/** Where k3s's containerd listens (k3s's `crictl` finds it by itself). */
const ENDPOINT = '/run/k3s/containerd/containerd.sock';

export interface CrictlStandInInput {
  /** The lab's registry: every reference a pull may succeed for. */
  registry: string[];
  /** This board's fault file, as the board sees it (under BOARD_FAULTS_DIR). */
  faultsFile: string;
  /** Pull time per image without a slow-pull fault. */
  defaultPullMs: number;
}

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function crictlStandIn(input: CrictlStandInInput): string {
  for (const ref of input.registry)
    if (!/^[a-z0-9.-]+\/[a-z0-9/._-]+:[A-Za-z0-9._-]+$/.test(ref)) throw new Error(`bad lab image ${ref}`);
  return `#!/bin/sh
# LAB ONLY: picocal's crictl stand-in for the virtual PicoCluster (not crictl). See src/lab/crictl-standin.ts.
STORE=${IMAGE_STORE}
FAULTS=${shQuote(input.faultsFile)}
DEFAULT_MS=${Math.round(input.defaultPullMs)}
REGISTRY='${input.registry.join('\n')}'
fatal() {
  printf 'time="%s" level=fatal msg="%s"\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(printf '%s' "$*" | sed 's/"/\\\\"/g')" >&2
  exit 1
}
if [ "$(id -u)" -ne 0 ]; then
  fatal "validate service connection: validate CRI v1 image API for endpoint \\"unix://${ENDPOINT}\\": rpc error: code = Unavailable desc = connection error: desc = \\"transport: Error while dialing: dial unix ${ENDPOINT}: connect: permission denied\\""
fi
# containerd's normalisation of an image name (docker.io/library/…:latest).
normalise() {
  n=$1
  first=\${n%%/*}
  case "$n" in
    */*) case "$first" in *.*|*:*|localhost) ;; *) n="docker.io/$n" ;; esac ;;
    *) n="docker.io/library/$n" ;;
  esac
  case "\${n##*/}" in *:*|*@*) ;; *) n="$n:latest" ;; esac
  printf '%s' "$n"
}
file_of() { printf '%s' "$1" | sed 's/[^A-Za-z0-9._-]/_/g'; printf -- '-%s' "$(printf '%s' "$1" | sha256sum | cut -c1-8)"; }
digest_of() { printf 'sha256:%s' "$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"; }
fault() { sed -n "s/.*\\"$1\\": *\\([0-9.a-z]*\\).*/\\1/p" "$FAULTS" 2>/dev/null | head -n 1; }
stored() { cat "$STORE"/* 2>/dev/null; }
image_json() { printf '{"id":"%s","repoTags":["%s"],"repoDigests":[],"size":"0","uid":null,"username":"","spec":null,"pinned":false}' "$(digest_of "$1")" "$1"; }
cmd=$1; [ $# -gt 0 ] && shift
case "$cmd" in
  pull)
    name=
    for a in "$@"; do
      case "$a" in
        -*) fatal "flag provided but not defined: $a" ;;
        *) [ -z "$name" ] || fatal "pull takes one image name (NAME[:TAG|@DIGEST])"; name=$a ;;
      esac
    done
    [ -n "$name" ] || fatal "image name cannot be empty"
    ref=$(normalise "$name")
    if ! printf '%s\\n' "$REGISTRY" | grep -qxF "$ref"; then
      fatal "pulling image: rpc error: code = NotFound desc = failed to pull and unpack image \\"$ref\\": failed to resolve reference \\"$ref\\": $ref: not found"
    fi
    if [ "$(fault pullFail)" = true ]; then
      host=\${ref%%/*}
      fatal "pulling image: rpc error: code = Unknown desc = failed to pull and unpack image \\"$ref\\": failed to resolve reference \\"$ref\\": failed to do request: Head \\"https://$host/v2/\\": dial tcp: lookup $host: i/o timeout"
    fi
    if [ ! -e "$STORE/$(file_of "$ref")" ]; then
      secs=$(fault pullSeconds)
      [ -n "$secs" ] || secs=$(awk "BEGIN { print $DEFAULT_MS / 1000 }")
      sleep "$secs"
      mkdir -p "$STORE" && chmod 700 "$STORE"
      printf '%s\\n' "$ref" > "$STORE/$(file_of "$ref")"
    fi
    echo "Image is up to date for $(digest_of "$ref")"
    ;;
  images|image|img)
    out=table; filter=
    while [ $# -gt 0 ]; do
      case "$1" in
        -q|--quiet) out=quiet ;;
        -o|--output) shift; out=$1 ;;
        --output=*|-o=*) out=\${1#*=} ;;
        -*) fatal "flag provided but not defined: $1" ;;
        *) filter=$(normalise "$1") ;;
      esac
      shift
    done
    list=$(stored | while read -r r; do
      [ -z "$filter" ] || [ "$r" = "$filter" ] || [ "\${r%:*}" = "\${filter%:latest}" ] || continue
      printf '%s\\n' "$r"
    done)
    case "$out" in
      json)
        printf '{"images":['; sep=
        for r in $list; do printf '%s' "$sep"; image_json "$r"; sep=,; done
        printf ']}\\n' ;;
      quiet) for r in $list; do digest_of "$r"; echo; done ;;
      table)
        printf '%-50s %-20s %-15s %s\\n' IMAGE TAG "IMAGE ID" SIZE
        for r in $list; do printf '%-50s %-20s %-15s %s\\n' "\${r%:*}" "\${r##*:}" "$(digest_of "$r" | cut -c8-20)" 0B; done ;;
      *) fatal "unsupported output format: $out" ;;
    esac
    ;;
  inspecti)
    ids=
    while [ $# -gt 0 ]; do
      case "$1" in
        -q|--quiet) ;;
        -o|--output) shift; [ "$1" = json ] || fatal "LAB ONLY crictl stand-in: only -o json is implemented" ;;
        -*) fatal "flag provided but not defined: $1" ;;
        *) ids="$ids $1" ;;
      esac
      shift
    done
    [ -n "$ids" ] || fatal "No IDs provided or nothing found per filter"
    for id in $ids; do
      ref=$(normalise "$id")
      [ -e "$STORE/$(file_of "$ref")" ] || fatal "no such image \\"$id\\" present"
      printf '{"status":'; image_json "$ref"; printf ',"info":{}}\\n'
    done
    ;;
  *)
    echo "LAB ONLY crictl stand-in: '$cmd' is not implemented" >&2
    exit 1
    ;;
esac
`;
}

/** Writes the stand-in into a board's overlay upper directory. */
export function writeCrictlStandIn(upperDir: string, input: CrictlStandInInput): void {
  const path = join(upperDir, CRICTL_PATH);
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  writeFileSync(path, crictlStandIn(input), { mode: 0o755 });
  chmodSync(path, 0o755);
}
