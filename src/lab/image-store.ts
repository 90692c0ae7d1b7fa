// LAB ONLY: the container images "on" each lab board, and how long a pull takes there. A board keeps its
// images as one file per reference under IMAGE_STORE (inside the board, so in its overlay upper
// directory on this host): the crictl stand-in writes them on `crictl pull`, and the operator stand-in's
// kubelet pulls the calico-node images of a pod that finds them missing before its container starts
// (imagePullPolicy IfNotPresent, the operator's default for tagged images). Either pull takes the board's
// pull time per image: `lab fault NODE slow-pull SECONDS`, else the lab's PICOCAL_LAB_PULL_MS (read by
// `lab up`, default DEFAULT_PULL_MS). `lab fault NODE pull-fail` makes every pull there fail as with an
// unreachable registry.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { releaseImages } from '../catalog/images.js';
import { CATALOG, findRelease } from '../catalog/versions.js';
import { readNodeFaults, type LabState } from './lab-state.js';

/** On the board. */
export const IMAGE_STORE = '/var/lib/picocal-lab/images';
/** Per image, unless the board has a slow-pull fault. Short, so that lab runs stay quick. */
export const DEFAULT_PULL_MS = 250;

/** What the lab's "registry" holds: every image of every release in picocal's catalog, nothing else. */
export function labRegistryImages(): string[] {
  return [...new Set(CATALOG.flatMap((r) => releaseImages(r).map((i) => i.ref)))];
}

export function labPullMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env['PICOCAL_LAB_PULL_MS']);
  return env['PICOCAL_LAB_PULL_MS'] !== undefined && Number.isFinite(v) && v >= 0 ? v : DEFAULT_PULL_MS;
}

/** File name of an image in the store: readable, and unique per reference. */
export function storeName(ref: string): string {
  return `${ref.replace(/[^A-Za-z0-9._-]/g, '_')}-${createHash('sha256').update(ref).digest('hex').slice(0, 8)}`;
}

function storeDir(upperDir: string): string {
  return join(upperDir, IMAGE_STORE);
}

export function hasImage(upperDir: string, ref: string): boolean {
  return existsSync(join(storeDir(upperDir), storeName(ref)));
}

export function putImage(upperDir: string, ref: string): void {
  mkdirSync(storeDir(upperDir), { recursive: true, mode: 0o700 });
  writeFileSync(join(storeDir(upperDir), storeName(ref)), `${ref}\n`);
}

/** The images calico-node's pod needs on its board for a Calico version ('' when picocal has no list). */
export function calicoNodeImages(version: string): string[] {
  const release = findRelease(version);
  return release
    ? releaseImages(release)
        .filter((i) => i.component.startsWith('calico-node'))
        .map((i) => i.ref)
    : [];
}

/** How long one pull takes on the board now, in milliseconds, and whether it fails. */
export function boardPull(
  state: Pick<LabState, 'faultsDir' | 'pullMs'>,
  node: string,
): { ms: number; fails: boolean } {
  const f = readNodeFaults(state, node);
  return {
    ms: f.pullSeconds !== undefined ? f.pullSeconds * 1000 : (state.pullMs ?? DEFAULT_PULL_MS),
    fails: f.pullFail === true,
  };
}
