// The lab's Kubernetes API stand-in (LAB ONLY) driven by the machine's real kubectl.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labSkipReason, startHarness, until, type Harness } from './kube-api-harness.js';

const configMap = (name: string, k: string, ns = 'default'): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { k } });

const skip = labSkipReason(false);
const CRDS_3_32 = '../shared/calico/v3.32.1/manifests/v1_crd_projectcalico_org.yaml';
const CRDS_3_31 = '../shared/calico/v3.31.7/manifests/operator-crds.yaml';
const OPERATOR_3_32 = '../shared/calico/v3.32.1/manifests/tigera-operator.yaml';
const CUSTOM_3_32 = '../shared/calico/v3.32.1/manifests/custom-resources.yaml';

describe.skipIf(skip !== undefined)(
  `Kubernetes API stand-in with real kubectl${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness([{}, {}, {}]);
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it('serves discovery with short names, and Node objects for every lab node', async () => {
      const r = await h.kubectl(['api-resources', '--no-headers']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^daemonsets\s+ds\s+apps\/v1\s+true\s+DaemonSet$/m);
      expect(r.stdout).toMatch(/^customresourcedefinitions\s+crd,crds\s+apiextensions\.k8s\.io\/v1\s+false/m);
      const nodes = await h.kubectl(['get', 'nodes', '-o', 'json']);
      const items = (
        JSON.parse(nodes.stdout) as {
          items: { metadata: { name: string; labels: Record<string, string> } }[];
        }
      ).items;
      expect(items.map((i) => i.metadata.name)).toEqual(['pc-node1', 'pc-node2', 'pc-node3']);
      expect(items[0]!.metadata.labels).toMatchObject({
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/control-plane': '',
      });
      const ready = await h.kubectl([
        'get',
        'nodes',
        '-l',
        '!node-role.kubernetes.io/control-plane',
        '-o',
        'name',
      ]);
      expect(ready.stdout.trim().split('\n')).toEqual(['node/pc-node2', 'node/pc-node3']);
    });

    it('creates the real Calico 3.32 CRD bundle with kubectl create, and serves its kinds', async () => {
      const r = await h.kubectl(['create', '-f', CRDS_3_32]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout.split('\n').filter((l) => l.endsWith(' created'))).toHaveLength(32);
      const res = await h.kubectl(['api-resources', '--api-group=operator.tigera.io', '-o', 'name']);
      expect(res.stdout.split('\n')).toEqual(
        expect.arrayContaining(['installations.operator.tigera.io', 'tigerastatuses.operator.tigera.io']),
      );
    });

    it('rejects a client-side apply of the CRD bundle with the real annotation-size error', async () => {
      const r = await h.kubectl(['apply', '-f', CRDS_3_31]);
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toContain(
        'The CustomResourceDefinition "installations.operator.tigera.io" is invalid: metadata.annotations: Too long: must have at most 262144 bytes',
      );
    });

    it('reports field-manager conflicts on server-side apply, and takes the fields over with --force-conflicts', async () => {
      const conflict = await h.kubectl(['apply', '--server-side', '-f', CRDS_3_31]);
      expect(conflict.exitCode).not.toBe(0);
      expect(conflict.stderr).toMatch(/conflict.*with "kubectl-create"/i);
      const r = await h.kubectl(['apply', '--server-side', '--force-conflicts', '-f', CRDS_3_31]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain(
        'customresourcedefinition.apiextensions.k8s.io/installations.operator.tigera.io serverside-applied',
      );
      const crd = JSON.parse(
        (
          await h.kubectl([
            'get',
            'crd',
            'installations.operator.tigera.io',
            '-o',
            'json',
            '--show-managed-fields',
          ])
        ).stdout,
      ) as {
        metadata: { managedFields: { manager: string; operation: string }[] };
      };
      expect(crd.metadata.managedFields).toEqual(
        expect.arrayContaining([expect.objectContaining({ manager: 'kubectl', operation: 'Apply' })]),
      );
    });

    it('lists with label and field selectors and prints -o yaml', async () => {
      const pods = ['pc-node1', 'pc-node2', 'pc-node2']
        .map(
          (node, i) =>
            `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: default, labels: {app: ${i === 0 ? 'a' : 'b'}}}\nspec: {nodeName: ${node}, containers: [{name: c, image: busybox}]}\n`,
        )
        .join('---\n');
      expect((await h.kubectl(['create', '-f', '-'], pods)).exitCode).toBe(0);
      const cases: [string[], string[]][] = [
        [
          ['-l', 'app=b'],
          ['pod/p1', 'pod/p2'],
        ],
        [['-l', 'app in (a)'], ['pod/p0']],
        [
          ['--field-selector', 'spec.nodeName=pc-node2'],
          ['pod/p1', 'pod/p2'],
        ],
        [['--field-selector', 'metadata.name!=p1,spec.nodeName=pc-node2'], ['pod/p2']],
        [['--field-selector', 'status.phase=Running', '-l', 'app=a'], ['pod/p0']],
      ];
      for (const [sel, want] of cases) {
        const r = await h.kubectl(['get', 'pods', '-n', 'default', ...sel, '-o', 'name']);
        expect(r.stdout.trim().split('\n'), sel.join(' ')).toEqual(want);
      }
      const yaml = await h.kubectl(['get', 'pod', 'p0', '-o', 'yaml']);
      expect(yaml.stdout).toMatch(/^kind: Pod$/m);
      expect(yaml.stdout).toContain('nodeName: pc-node1');
    });

    it('gives a pod a user creates on a board the board address and Running (kubelet stand-in); a pod with no node stays Pending', async () => {
      const pods = [
        'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: default}\nspec: {nodeName: pc-node2, containers: [{name: c, image: busybox}]}\n',
        'apiVersion: v1\nkind: Pod\nmetadata: {name: floating, namespace: default}\nspec: {containers: [{name: c, image: busybox}]}\n',
      ].join('---\n');
      expect((await h.kubectl(['create', '-f', '-'], pods)).exitCode).toBe(0);
      const board = h.state.nodes[1]!;
      await until('pod web Running on its board', async () => {
        const r = await h.kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.status.phase} {.status.podIP}']);
        return r.stdout === `Running ${board.address}` || undefined;
      });
      const ready = await h.kubectl(['wait', '--for=condition=Ready', 'pod/web', '--timeout=10s']);
      expect(ready.exitCode, ready.stderr).toBe(0);
      const floating = await h.kubectl(['get', 'pod', 'floating', '-o', 'jsonpath={.status.phase}']);
      expect(floating.stdout).toBe('Pending');
    });

    it('refuses objects in a namespace that does not exist, as the real server does', async () => {
      const r = await h.kubectl(['create', '-f', '-'], configMap('x', 'v', 'nope'));
      expect(r.stderr).toContain('namespaces "nope" not found');
    });

    it('replaces with resourceVersion checks and deletes', async () => {
      expect((await h.kubectl(['create', '-f', '-'], configMap('cfg', '1'))).exitCode).toBe(0);
      const cm = JSON.parse((await h.kubectl(['get', 'cm', 'cfg', '-o', 'json'])).stdout) as {
        data: Record<string, string>;
      };
      cm.data.k = '2';
      const ok = await h.kubectl(['replace', '-f', '-'], JSON.stringify(cm));
      expect(ok.exitCode, ok.stderr).toBe(0);
      cm.data.k = '3';
      const stale = await h.kubectl(['replace', '-f', '-'], JSON.stringify(cm));
      expect(stale.stderr).toContain(
        'the object has been modified; please apply your changes to the latest version and try again',
      );
      expect((await h.kubectl(['get', 'cm', 'cfg', '-o', 'jsonpath={.data.k}'])).stdout).toBe('2');
      expect((await h.kubectl(['delete', 'cm', 'cfg'])).stdout).toContain('configmap "cfg" deleted');
      expect((await h.kubectl(['get', 'cm', 'cfg'])).stderr).toContain('configmaps "cfg" not found');
    });

    it('lets kubectl wait watch for a change made after it started', async () => {
      await h.kubectl(['create', '-f', '-'], configMap('w', 'old'));
      const waiting = h.kubectl(['wait', '--for=jsonpath={.data.k}=new', 'cm/w', '--timeout=20s']);
      await new Promise((r) => setTimeout(r, 1000));
      await h.kubectl(['patch', 'cm', 'w', '--type=merge', '-p', '{"data":{"k":"new"}}']);
      const r = await waiting;
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain('configmap/w condition met');
    });

    it('keeps its objects across a restart', async () => {
      await h.kubectl(['create', '-f', '-'], configMap('keep', 'v'));
      await new Promise((r) => setTimeout(r, 400)); // state is written 200 ms after the last change
      await h.stop();
      await h.start();
      expect((await h.kubectl(['get', 'cm', 'keep', '-o', 'jsonpath={.data.k}'])).stdout).toBe('v');
      expect((await h.kubectl(['get', 'installations.operator.tigera.io'])).exitCode).toBe(0);
    });

    it('creates calico-node pods for the lab nodes once the operator and custom resources are created', async () => {
      expect((await h.kubectl(['create', '-f', OPERATOR_3_32])).exitCode).toBe(0);
      expect((await h.kubectl(['create', '-f', CUSTOM_3_32])).exitCode).toBe(0);
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
        return names.length === 3 ? names : undefined;
      });
      expect(nodes).toEqual(['pc-node1', 'pc-node2', 'pc-node3']);
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
      const ts = await h.kubectl(['get', 'tigerastatus', '-o', 'name']);
      expect(ts.stdout.trim().split('\n').sort()).toEqual(
        ['apiserver', 'calico', 'goldmane', 'ippools', 'whisker'].map(
          (n) => `tigerastatus.operator.tigera.io/${n}`,
        ),
      );
    });
  },
);
