// Checks that span fields: addresses, overlaps, MTU against encapsulation overhead, boards Calico cannot
// run on. Every problem is collected; nothing stops at the first. A rule over the cluster settings runs on
// the fields that parsed and is skipped when a field it reads was itself reported invalid, so the user
// gets every real problem in one run and none that only follow from another.
import { findRelease, CATALOG } from '../catalog/versions.js';
import type { CheckContext, FieldResult } from '../schema/schema.js';
import type { PathSegment } from '../yaml/source-map.js';
import {
  cidrContains,
  cidrsOverlap,
  cidrText,
  hasHostBits,
  hostNetwork,
  INVENTORY_SYNTAX,
  isIPv6Like,
  parseCidr,
  parseIp,
  type Cidr,
} from '../net/ip.js';
import type { ClusterSettings } from './schema.js';

/** Bytes each encapsulation adds to a packet (calico-facts.md: MTU overhead). */
export const ENCAPSULATION_OVERHEAD: Record<ClusterSettings['encapsulation'], number> = {
  VXLAN: 50,
  VXLANCrossSubnet: 50,
  IPIP: 20,
  IPIPCrossSubnet: 20,
  None: 0,
};

/** Boards whose CPU can only run 32-bit ARM: Calico publishes no images for them (dropped in 3.28). */
export const ARMV7_ONLY_BOARDS: Record<string, string> = {
  pi1: 'Raspberry Pi 1 (ARMv6)',
  'pi1-b+': 'Raspberry Pi 1 B+ (ARMv6)',
  'pi-zero': 'Raspberry Pi Zero (ARMv6)',
  'pi-zero-w': 'Raspberry Pi Zero W (ARMv6)',
  pi2: 'Raspberry Pi 2 v1.1 (ARMv7)',
  'pi2-b': 'Raspberry Pi 2 Model B v1.1 (ARMv7)',
};
export const KNOWN_64BIT_BOARDS = ['pi2-b-v1.2', 'pi3', 'pi3-b', 'pi3-b+', 'pi3-a+', 'pi4', 'pi4-b', 'pi400', 'pi5', 'pi500', 'cm3', 'cm4', 'cm5', 'pi-zero-2w'];

export interface HostEntry {
  name: string;
  address: string;
  arch: string | undefined;
  board: string | undefined;
  labels: Record<string, string>;
  path: PathSegment[];
}

// Kubernetes label syntax (apimachinery validation.IsQualifiedName / IsValidLabelValue).
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'a label key has at most one "/"';
  const name = parts[parts.length - 1] ?? '';
  const prefix = parts.length === 2 ? parts[0] : undefined;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return `prefix '${prefix}' is not a DNS subdomain`;
  if (name.length > 63 || !LABEL_NAME.test(name)) return `name '${name}' must be 1-63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric`;
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !LABEL_NAME.test(value)) return 'a label value is at most 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric';
  return undefined;
}

const CLUSTER: PathSegment[] = ['all', 'vars', 'picocal'];

export function validateCluster(settings: FieldResult<ClusterSettings>, hosts: HostEntry[], ctx: CheckContext): void {
  const at = (...p: PathSegment[]) => [...CLUSTER, ...p];
  /** The fields a rule reads, or undefined when any of them was already reported invalid. */
  const read = <K extends keyof ClusterSettings>(...keys: K[]): Pick<ClusterSettings, K> | undefined =>
    keys.some((k) => settings.invalid.has(k)) ? undefined : (settings.value as Pick<ClusterSettings, K>);

  const version = read('calico_version');
  if (version && !findRelease(version.calico_version)) {
    ctx.problem(
      at('calico_version'),
      `unknown Calico version '${version.calico_version}'`,
      `picocal supports ${CATALOG.map((r) => r.version).join(', ')}`,
    );
  }

  const cidr = (field: 'pod_cidr' | 'service_cidr' | 'node_network'): Cidr | undefined => {
    const text = read(field)?.[field];
    if (text === undefined) return undefined;
    if (isIPv6Like(text)) {
      ctx.problem(at(field), `IPv6 ${field} '${text}' is not supported by picocal yet`, 'use an IPv4 CIDR');
      return undefined;
    }
    const c = parseCidr(text, INVENTORY_SYNTAX);
    if (!c || hasHostBits(c)) {
      ctx.problem(
        at(field),
        `invalid CIDR '${text}'`,
        c ? `host bits are set: did you mean '${cidrText(c)}'?` : 'write it as a.b.c.d/n, e.g. 10.42.0.0/16',
      );
      return undefined;
    }
    return c;
  };
  // Undefined when absent or already reported (bad type, not a CIDR, host bits set): rules reading it skip.
  const pod = cidr('pod_cidr');
  const svc = cidr('service_cidr');
  const nodeNet = cidr('node_network');

  const block = read('block_size');
  if (pod && block && block.block_size < pod.prefix) {
    ctx.problem(
      at('block_size'),
      `block size /${block.block_size} is larger than the pod CIDR ${cidrText(pod)}`,
      `use a block size between ${pod.prefix} and 32 (26 is Calico's default)`,
    );
  }
  if (pod && svc && cidrsOverlap(pod, svc)) {
    ctx.problem(
      at('service_cidr'),
      `service CIDR ${cidrText(svc)} overlaps the pod CIDR ${cidrText(pod)}`,
      'pick disjoint ranges, e.g. pod 10.42.0.0/16 and service 10.43.0.0/16 (k3s defaults)',
    );
  }
  for (const [name, range] of [
    ['pod_cidr', pod],
    ['service_cidr', svc],
  ] as const) {
    if (!range) continue;
    if (nodeNet && cidrsOverlap(range, nodeNet)) {
      ctx.problem(
        at(name),
        `${name} ${cidrText(range)} overlaps the node network ${cidrText(nodeNet)}`,
        'pod and service ranges must not contain your boards\' LAN; e.g. use 10.42.0.0/16 for pods',
      );
      continue;
    }
    for (const h of hosts) {
      const ip = parseIp(h.address, INVENTORY_SYNTAX);
      if (ip !== undefined && cidrContains(range, ip)) {
        ctx.problem(
          at(name),
          `${name} ${cidrText(range)} overlaps the node network: it contains ${h.name}'s address ${h.address} (${hostNetwork(ip).text})`,
          'pod and service ranges must not contain your boards\' LAN; e.g. use 10.42.0.0/16 for pods',
        );
        break;
      }
    }
  }

  const mtu = read('mtu', 'encapsulation', 'node_mtu');
  if (mtu && typeof mtu.mtu === 'number') {
    const overhead = ENCAPSULATION_OVERHEAD[mtu.encapsulation];
    if (mtu.mtu + overhead > mtu.node_mtu) {
      ctx.problem(
        at('mtu'),
        `MTU ${mtu.mtu} is too large: ${mtu.encapsulation} adds ${overhead} bytes and the node MTU is ${mtu.node_mtu}`,
        `use at most ${mtu.node_mtu - overhead}, or 'auto' to let Calico work it out`,
      );
    }
  }

  const routing = read('encapsulation', 'bgp');
  if (routing && routing.encapsulation.startsWith('IPIP') && !routing.bgp) {
    ctx.problem(at('encapsulation'), `${routing.encapsulation} needs BGP, but bgp is false`, 'set bgp: true, or use VXLAN');
  }
  if (routing && routing.encapsulation === 'None' && !routing.bgp) {
    ctx.problem(
      at('encapsulation'),
      'encapsulation None routes pod traffic with BGP, but bgp is false',
      'set bgp: true, or use VXLAN',
    );
  }

  const auto = read('node_address_autodetection')?.node_address_autodetection;
  if (auto) checkAutodetection(auto, at, ctx);
}

function checkAutodetection(
  auto: ClusterSettings['node_address_autodetection'],
  at: (...p: PathSegment[]) => PathSegment[],
  ctx: CheckContext,
): void {
  const methods = Object.entries(auto).filter(([, v]) => v !== undefined && v !== false);
  if (methods.length !== 1) {
    ctx.problem(
      at('node_address_autodetection'),
      methods.length === 0
        ? 'no address autodetection method set'
        : `exactly one method may be set, found ${methods.map(([k]) => k).join(', ')}`,
      'set one of interface, skip_interface, cidrs, first_found, can_reach, kubernetes (Pis with Wi-Fi: pin interface: eth0)',
    );
  }
  auto.cidrs?.forEach((c, i) => {
    if (!parseCidr(c, INVENTORY_SYNTAX)) ctx.problem(at('node_address_autodetection', 'cidrs', i), `invalid CIDR '${c}'`);
  });
  if (auto.interface !== undefined) {
    try {
      new RegExp(auto.interface);
    } catch {
      ctx.problem(at('node_address_autodetection', 'interface'), `'${auto.interface}' is not a valid regular expression`);
    }
  }
  if (auto.can_reach !== undefined && parseIp(auto.can_reach, INVENTORY_SYNTAX) === undefined) {
    ctx.problem(at('node_address_autodetection', 'can_reach'), `'${auto.can_reach}' is not an IPv4 address`);
  }
}

export function validateHosts(hosts: HostEntry[], controlPlaneCount: number, ctx: CheckContext): void {
  if (controlPlaneCount === 0) {
    ctx.problem(
      ['all', 'children'],
      'no control-plane host: picocal runs kubectl on the first host of the control_plane group',
      'add a group `control_plane:` with `hosts:` naming your control-plane board',
      'key',
    );
  }

  const byAddress = new Map<string, HostEntry>();
  const byName = new Map<string, HostEntry>();
  for (const h of hosts) {
    const addrPath = [...h.path, 'ansible_host'];
    if (parseIp(h.address, INVENTORY_SYNTAX) === undefined) {
      ctx.problem(addrPath, `invalid IPv4 address '${h.address}'`, 'give the board\'s LAN address, e.g. 192.168.1.101');
    } else {
      const other = byAddress.get(h.address);
      if (other) {
        ctx.problem(addrPath, `address ${h.address} is used by both ${other.name} and ${h.name}`, 'give every board its own address');
      } else byAddress.set(h.address, h);
    }
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(h.name) || h.name.length > 63) {
      ctx.problem(
        h.path,
        `host name '${h.name}' is not a valid Kubernetes node name`,
        'use lowercase letters, digits and "-" (RFC 1123), matching the board\'s hostname',
        'key',
      );
    }
    const lower = h.name.toLowerCase();
    const dup = byName.get(lower);
    if (dup) {
      ctx.problem(h.path, `host name '${h.name}' duplicates '${dup.name}'`, 'every board needs a unique hostname', 'key');
    } else byName.set(lower, h);

    for (const [k, v] of Object.entries(h.labels)) {
      const keyProblem = labelKeyProblem(k);
      if (keyProblem) ctx.problem([...h.path, 'picocal_labels', k], `invalid label key '${k}': ${keyProblem}`, undefined, 'key');
      const valueProblem = labelValueProblem(v);
      if (valueProblem) ctx.problem([...h.path, 'picocal_labels', k], `invalid label value ${JSON.stringify(v)}: ${valueProblem}`, 'Kubernetes rejects such a node label');
    }
    if (h.arch && ['armv7l', 'armv6l', 'armhf'].includes(h.arch)) {
      ctx.problem(
        [...h.path, 'picocal_arch'],
        `${h.name} is declared ${h.arch}: Calico has no 32-bit ARM images (dropped in 3.28)`,
        'install a 64-bit OS (Raspberry Pi OS 64-bit or Ubuntu arm64) on this board, or leave it out of the cluster',
      );
    }
    if (h.board !== undefined) {
      const b = h.board.toLowerCase();
      if (ARMV7_ONLY_BOARDS[b]) {
        ctx.problem(
          [...h.path, 'picocal_board'],
          `${h.name} is a ${ARMV7_ONLY_BOARDS[b]}, which cannot run a 64-bit OS: Calico has no 32-bit ARM images`,
          'replace the board with a Pi 3, 4 or 5 (or Zero 2 W), or leave it out of the cluster',
        );
      } else if (!KNOWN_64BIT_BOARDS.includes(b)) {
        ctx.problem(
          [...h.path, 'picocal_board'],
          `unknown board '${h.board}'`,
          `known boards: ${[...KNOWN_64BIT_BOARDS, ...Object.keys(ARMV7_ONLY_BOARDS)].join(', ')}`,
        );
      }
    }
  }
}
