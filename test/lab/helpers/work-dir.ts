// A working folder for one lab test file: a copy of the lab's inventory pinned to a Calico version, and a
// kubeconfig for the lab's API stand-in, so the test can drive picocal and the real kubectl side by side.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labKubeconfig } from '../../../src/lab/kube-api/kubeconfig.js';
import type { LabState } from '../../../src/lab/lab-state.js';

export interface LabWorkDir {
  work: string;
  inventory: string;
  kubeconfig: string;
}

export function labWorkDir(prefix: string, state: LabState, calicoVersion: string): LabWorkDir {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const inventory = join(work, 'inventory.yaml');
  writeFileSync(
    inventory,
    readFileSync(state.inventory, 'utf8').replace(
      /calico_version: "[^"]+"/,
      `calico_version: "${calicoVersion}"`,
    ),
  );
  const kubeconfig = join(work, 'kubeconfig');
  writeFileSync(kubeconfig, labKubeconfig(state.apiServer.url));
  return { work, inventory, kubeconfig };
}
