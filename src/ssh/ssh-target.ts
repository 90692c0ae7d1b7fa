// Where and as whom picocal logs in to a node, taken from the inventory. A jump host is either another
// inventory host (its own user, key and port apply) or `[user@]host[:port]` with the node's credentials.
import { InputError } from '../errors.js';
import type { Inventory, InventoryHost } from '../inventory/types.js';

export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
  privateKey: string | undefined;
  knownHosts: string;
}

export interface SshTarget extends SshEndpoint {
  /** Inventory name of the node: every message about it starts with this. */
  node: string;
  jump: (SshEndpoint & { label: string }) | undefined;
}

function endpointOf(h: InventoryHost): SshEndpoint {
  return {
    host: h.address,
    port: h.ssh.port,
    user: h.ssh.user,
    privateKey: h.ssh.privateKey,
    knownHosts: h.ssh.knownHosts,
  };
}

/** `[user@]host[:port]`, with `[v6addr]:port` for IPv6. */
export function parseJumpSpec(spec: string): { user?: string; host: string; port?: number } | undefined {
  const m = /^(?:([^@\s]+)@)?(?:\[([^\]\s]+)\]|([^:@\s[\]]+))(?::(\d{1,5}))?$/.exec(spec);
  if (!m) return undefined;
  const port = m[4] === undefined ? undefined : Number(m[4]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  const host = m[2] ?? m[3];
  if (!host) return undefined;
  return { ...(m[1] ? { user: m[1] } : {}), host, ...(port !== undefined ? { port } : {}) };
}

export function sshTargetFor(inv: Inventory, h: InventoryHost): SshTarget {
  const spec = h.ssh.jumpHost;
  let jump: SshTarget['jump'];
  if (spec) {
    const viaHost = inv.hosts.find((o) => o.name === spec);
    if (viaHost) {
      if (viaHost.ssh.jumpHost) {
        throw new InputError(`jump host chain for ${h.name}`, [
          {
            field: `${h.name}.picocal_jump_host`,
            message: `jump host '${spec}' itself uses a jump host`,
            hint: 'picocal supports one jump hop: point picocal_jump_host at a host reachable directly',
          },
        ]);
      }
      jump = { ...endpointOf(viaHost), label: viaHost.name };
    } else {
      const p = parseJumpSpec(spec);
      if (!p) {
        throw new InputError(`bad jump host for ${h.name}`, [
          {
            field: `${h.name}.picocal_jump_host`,
            message: `'${spec}' is neither an inventory host nor [user@]host[:port]`,
            hint: 'e.g. picocal_jump_host: pi@bastion.lan:22, or the name of another host in this inventory',
          },
        ]);
      }
      jump = { ...endpointOf(h), host: p.host, port: p.port ?? 22, user: p.user ?? h.ssh.user, label: spec };
    }
  }
  return { ...endpointOf(h), node: h.name, jump };
}
