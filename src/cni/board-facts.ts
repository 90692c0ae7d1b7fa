// What a board says about the CNI already on it: read-only, one fixed script piped to `sh -s` (nothing from
// the inventory in its text), as root through `sudo -n` for a non-root login. It lists the CNI config files
// in both directories containerd may read (k3s uses /var/lib/rancher/k3s/agent/etc/cni/net.d while flannel is
// on, /etc/cni/net.d otherwise: k3s-io/k3s pkg/agent/config/config.go), flannel's link and subnet file, and
// the text of k3s's config files and systemd units (https://docs.k3s.io/installation/configuration).
// Nothing is written: the check runs before any change, and under --dry-run it changes nothing either.
export const CNI_DIRS = ['/etc/cni/net.d', '/var/lib/rancher/k3s/agent/etc/cni/net.d'] as const;
export const K3S_FILES = [
  '/etc/rancher/k3s/config.yaml',
  '/etc/systemd/system/k3s.service',
  '/etc/systemd/system/k3s-agent.service',
] as const;

// Runs as the login user: what it cannot read it reads through `sudo -n`, and names what it could read
// neither way (a login whose sudo needs a password is preflight's to report, not this check's).
export const BOARD_FACTS_SCRIPT = `M=$1
PATH=$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/sbin
asroot() { if [ "$(id -u)" -ne 0 ]; then sudo -n "$@"; else "$@"; fi; }
for d in ${CNI_DIRS.join(' ')}; do
  if [ -r "$d" ] && [ -x "$d" ]; then names=$(ls -1A "$d" 2>/dev/null)
  elif names=$(asroot ls -1A "$d" 2>/dev/null); then :
  else
    asroot test -d "$d" 2>/dev/null || [ ! -e "$d" ] || printf '%s unreadable %s\\n' "$M" "$d"
    names=
  fi
  set -f
  for n in $names; do printf '%s cni %s/%s\\n' "$M" "$d" "$n"; done
  set +f
done
ip -o link show dev flannel.1 >/dev/null 2>&1 && printf '%s link flannel.1\\n' "$M"
[ -f /run/flannel/subnet.env ] && printf '%s file /run/flannel/subnet.env\\n' "$M"
for f in ${K3S_FILES.join(' ')} /etc/rancher/k3s/config.yaml.d/*.yaml; do
  [ -f "$f" ] || continue
  if [ -r "$f" ]; then text=$(cat "$f"); rc=$?; else text=$(asroot cat "$f" 2>/dev/null); rc=$?; fi
  if [ $rc -eq 0 ]; then
    printf '%s begin %s\\n%s\\n%s end\\n' "$M" "$f" "$text" "$M"
  else
    printf '%s unreadable %s\\n' "$M" "$f"
  fi
done
printf '%s done\\n' "$M"
`;

export interface BoardCniFacts {
  /** CNI config files, full paths. */
  cniFiles: string[];
  flannelLink: boolean;
  flannelSubnetEnv: boolean;
  /** Text of k3s's config and unit files that exist, by path. */
  k3sFiles: Record<string, string>;
  /** Files or folders that exist but could be read neither as the login user nor through `sudo -n`. */
  unreadable: string[];
  /** The script ran to its end. */
  complete: boolean;
}

export function parseBoardFacts(stdout: string, marker: string): BoardCniFacts {
  const facts: BoardCniFacts = {
    cniFiles: [],
    flannelLink: false,
    flannelSubnetEnv: false,
    k3sFiles: {},
    unreadable: [],
    complete: false,
  };
  let open: { path: string; lines: string[] } | undefined;
  for (const line of stdout.split('\n')) {
    if (open) {
      if (line === `${marker} end`) {
        facts.k3sFiles[open.path] = open.lines.join('\n').replace(/\n$/, '');
        open = undefined;
      } else open.lines.push(line);
      continue;
    }
    if (!line.startsWith(`${marker} `)) continue;
    const [kind = '', ...rest] = line.slice(marker.length + 1).split(' ');
    const arg = rest.join(' ');
    if (kind === 'cni') facts.cniFiles.push(arg);
    else if (kind === 'link' && arg === 'flannel.1') facts.flannelLink = true;
    else if (kind === 'file' && arg === '/run/flannel/subnet.env') facts.flannelSubnetEnv = true;
    else if (kind === 'begin') open = { path: arg, lines: [] };
    else if (kind === 'unreadable') facts.unreadable.push(arg);
    else if (kind === 'done') facts.complete = true;
  }
  return facts;
}
