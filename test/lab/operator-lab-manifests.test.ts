// The lab-only manifest set (src/lab/operator/lab-manifests) drives the operator stand-in like the
// real Calico manifests do, for machines without them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labSkipReason, startHarness, until, type Harness } from './kube-api-harness.js';

const skip = labSkipReason(false);
const DIR = 'src/lab/operator/lab-manifests/v3.32.1';

describe.skipIf(skip !== undefined)(`lab-only Calico manifests${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([{}, {}]);
  });
  afterAll(async () => {
    await h?.cleanup();
  });

  it('installs a calico-node DaemonSet of the version the lab manifest names, with one pod per node', async () => {
    for (const f of ['crds.yaml', 'tigera-operator.yaml', 'custom-resources.yaml']) {
      const r = await h.kubectl(['create', '-f', `${DIR}/${f}`]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const nodes = await until('calico-node pods', async () => {
      const r = await h.kubectl([
        'get',
        'pods',
        '-n',
        'calico-system',
        '-l',
        'k8s-app=calico-node',
        '-o',
        'jsonpath={.items[*].spec.nodeName}',
      ]);
      const names = r.stdout.trim().split(/\s+/).filter(Boolean).sort();
      return names.length === 2 ? names : undefined;
    });
    expect(nodes).toEqual(['pc-node1', 'pc-node2']);
    const img = await h.kubectl([
      'get',
      'ds',
      'calico-node',
      '-n',
      'calico-system',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(img.stdout).toBe('quay.io/calico/node:v3.32.1');
    const ts = await h.kubectl(['get', 'tigerastatus', 'calico']);
    expect(ts.stdout).toMatch(/^NAME\s+AVAILABLE\s+PROGRESSING\s+DEGRADED\s+SINCE/m);
  });
});
