// What a board says about the CNI already on it: read-only, one fixed script piped to `sh -s` (nothing from
// the inventory in its text), as root through `sudo -n` for a non-root login. It lists the CNI config files
// in both directories containerd may read (k3s uses /var/lib/rancher/k3s/agent/etc/cni/net.d while flannel is
// on, /etc/cni/net.d otherwise: k3s-io/k3s pkg/agent/config/config.go), flannel's link and subnet file, and
// the text of k3s's config files and systemd units (https://docs.k3s.io/installation/configuration).
export const CNI_DIRS = ['/etc/cni/net.d', '/var/lib/rancher/k3s/agent/etc/cni/net.d'] as const;
export const K3S_FILES = [
  '/etc/rancher/k3s/config.yaml',
  '/etc/systemd/system/k3s.service',
  '/etc/systemd/system/k3s-agent.service',
] as const;

export const BOARD_FACTS_SCRIPT = `M=$1
PATH=$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/sbin
for d in ${CNI_DIRS.join(' ')}; do
  for f in "$d"/*; do [ -f "$f" ] && printf '%s cni %s\\n' "$M" "$f"; done
done
ip -o link show dev flannel.1 >/dev/null 2>&1 && printf '%s link flannel.1\\n' "$M"
[ -f /run/flannel/subnet.env ] && printf '%s file /run/flannel/subnet.env\\n' "$M"
for f in ${K3S_FILES.join(' ')} /etc/rancher/k3s/config.yaml.d/*.yaml; do
  if [ -f "$f" ]; then
    printf '%s begin %s\\n' "$M" "$f"
    cat "$f"
    printf '\\n%s end\\n' "$M"
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
  /** The script ran to its end. */
  complete: boolean;
}

export function parseBoardFacts(stdout: string, marker: string): BoardCniFacts {
  const facts: BoardCniFacts = {
    cniFiles: [],
    flannelLink: false,
    flannelSubnetEnv: false,
    k3sFiles: {},
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
    else if (kind === 'done') facts.complete = true;
  }
  return facts;
}
