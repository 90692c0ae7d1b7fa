// Every name and address a lab uses, derived from the lab's name alone, so that `lab down` can find
// what a crashed `lab up` left behind even when lab.json is gone. LAB ONLY.
import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';

export const DEFAULT_LAB_NAME = 'pico';
export const DEFAULT_NODE_COUNT = 5;
export const MAX_NODE_COUNT = 200;
/** Appears in iptables comments, netns names and process command lines: the lab's fingerprint on the host. */
export const LAB_PREFIX = 'pcl';
/** Metric of the fallback `unreachable` route; the bridge's connected route (metric 0) wins while it exists. */
export const FALLBACK_ROUTE_METRIC = 4277;

const NAME_RE = /^[a-z][a-z0-9-]{0,19}$/;

export function validateLabName(name: string): string {
  if (!NAME_RE.test(name)) {
    throw new UsageError(
      `lab name '${name}' is not valid`,
      'use 1-20 characters: lower-case letters, digits and dashes, starting with a letter (e.g. --name demo)',
    );
  }
  return name;
}

export interface LabIdentity {
  name: string;
  /** Short so ControlPath sockets (~100 characters) fit: /tmp/pcl-<name>/cp/<40 hex>. */
  dir: string;
  bridge: string;
  /** Set explicitly: a bridge otherwise takes its lowest port's MAC, which changes when a node powers off. */
  bridgeMac: string;
  subnet: string;
  gateway: string;
  /** Comment on every iptables rule this lab adds. */
  ruleComment: string;
  netnsPrefix: string;
  vethPrefix: string;
  /** Third octet of 10.77.X.0/24: a distinct subnet per lab name so two labs can coexist. */
  octet: number;
}

export function labIdentity(name: string): LabIdentity {
  validateLabName(name);
  const digest = createHash('sha256').update(name).digest();
  const id = digest.subarray(0, 3).toString('hex');
  const octet = digest[3] ?? 0;
  return {
    name,
    dir: `/tmp/${LAB_PREFIX}-${name}`,
    // Interface names are limited to 15 characters: a hash of the name keeps them short.
    bridge: `${LAB_PREFIX}b-${id}`,
    bridgeMac: `02:77:${octet.toString(16).padStart(2, '0')}:ff:ff:01`,
    subnet: `10.77.${octet}.0/24`,
    gateway: `10.77.${octet}.1`,
    ruleComment: `${LAB_PREFIX}-lab:${name}`,
    netnsPrefix: `${LAB_PREFIX}-${name}-`,
    vethPrefix: `${LAB_PREFIX}v-${id}-`,
    octet,
  };
}

export interface LabNodeIdentity {
  index: number;
  name: string;
  address: string;
  mac: string;
  /** MAC of the host end of the veth: fixed too, for the same reason. */
  hostMac: string;
  netns: string;
  /** Host side of the node's veth pair, a port of the lab bridge. */
  veth: string;
}

export function nodeIdentity(lab: LabIdentity, index: number): LabNodeIdentity {
  if (!Number.isInteger(index) || index < 1 || index > MAX_NODE_COUNT) {
    throw new UsageError(`node index ${index} is out of range`, `a lab has 1 to ${MAX_NODE_COUNT} nodes`);
  }
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return {
    index,
    name: `pc-node${index}`,
    address: `10.77.${lab.octet}.${10 + index}`,
    // Locally administered and fixed: a re-created node keeps its MAC, so no stale ARP entry hangs SSH.
    mac: `02:77:${hex(lab.octet)}:00:00:${hex(index)}`,
    hostMac: `02:77:${hex(lab.octet)}:01:00:${hex(index)}`,
    netns: `${lab.netnsPrefix}n${index}`,
    veth: `${lab.vethPrefix}${index}`,
  };
}

/** `pc-node3` → 3; undefined for anything else. */
export function nodeIndexOf(nodeName: string): number | undefined {
  const m = /^pc-node([1-9][0-9]*)$/.exec(nodeName);
  return m ? Number(m[1]) : undefined;
}
