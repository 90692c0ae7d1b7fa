// What a machine needs before it can host a lab: Linux, root, the tools, and no IP forwarding (lab
// traffic must never leave the bridge). LAB ONLY.
import { existsSync, readFileSync } from 'node:fs';
import { EXIT, LabError } from '../errors.js';

const TOOLS = ['/usr/sbin/sshd', 'ip', 'iptables', 'unshare', 'nsenter'];

function onPath(tool: string): boolean {
  if (tool.startsWith('/')) return existsSync(tool);
  const dirs = (process.env['PATH'] ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin']);
  return dirs.some((d) => d !== '' && existsSync(`${d}/${tool}`));
}

/** Why this machine cannot run a lab, or undefined when it can. */
export function labHostProblem(): string | undefined {
  if (process.platform !== 'linux')
    return `the lab needs Linux (network namespaces); this is ${process.platform}`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return 'the lab needs root: it creates network namespaces, a bridge, mounts and iptables rules';
  }
  return undefined;
}

export function assertLabHost(): void {
  const problem = labHostProblem();
  if (problem) {
    throw new LabError(
      problem,
      { hint: 'run `sudo picocal lab ...` on a Linux machine (or in a Linux VM), or skip the lab' },
      EXIT.usage,
    );
  }
  const missing = TOOLS.filter((t) => !onPath(t));
  if (missing.length > 0) {
    throw new LabError(
      `the lab needs tools that are not installed: ${missing.join(', ')}`,
      {
        hint:
          'run scripts/install-deps.sh (ansible-core openssh-server openssh-client iptables iproute2) before ' +
          'starting any lab: nodes see the host filesystem as it was when they started',
      },
      EXIT.usage,
    );
  }
}

export function assertNoForwarding(): void {
  let forwarding = '0';
  try {
    forwarding = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  } catch {
    // No /proc/sys: nothing can forward through it either.
  }
  if (forwarding !== '0') {
    throw new LabError(
      'the host forwards IPv4 (net.ipv4.ip_forward=1): lab traffic could leave the bridge',
      {
        hint: 'run the lab on a machine that does not route, or `sysctl -w net.ipv4.ip_forward=0` if you may',
      },
      EXIT.usage,
    );
  }
}
