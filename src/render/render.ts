// Render the inventory into files: cluster manifests, Ansible variables per board, the policy baseline
// per protected namespace. Returns file contents keyed by relative path; writing is write-tree.ts's job.
import { createHash } from 'node:crypto';
import { requireRelease } from '../catalog/versions.js';
import type { Inventory } from '../inventory/types.js';
import { packageVersion } from '../paths.js';
import { clusterContext, namespaceContext, nodeContext } from './context.js';
import { TemplateEngine } from './template-engine.js';

export type RenderedFiles = Map<string, string>;

/** Which template renders into which file, and for what: the whole cluster, each board, each namespace. */
export const OUTPUTS = [
  { template: 'cluster/custom-resources.yaml.hbs', out: 'manifests/custom-resources.yaml', per: 'cluster' },
  {
    template: 'cluster/felix-configuration.yaml.hbs',
    out: 'manifests/felix-configuration.yaml',
    per: 'cluster',
  },
  { template: 'cluster/metrics-services.yaml.hbs', out: 'manifests/metrics-services.yaml', per: 'cluster' },
  { template: 'cluster/group_vars-all.yaml.hbs', out: 'ansible/group_vars/all.yaml', per: 'cluster' },
  { template: 'node/host_vars.yaml.hbs', out: 'ansible/host_vars/{node}.yaml', per: 'node' },
  { template: 'namespace/baseline.yaml.hbs', out: 'policies/{namespace}/baseline.yaml', per: 'namespace' },
] as const;

export const INDEX_FILE = 'render.json';

export async function renderInventory(inv: Inventory, engine = new TemplateEngine()): Promise<RenderedFiles> {
  const release = requireRelease(inv.cluster.calico_version);
  const cluster = clusterContext(inv, release, packageVersion());
  const files: RenderedFiles = new Map();
  for (const o of OUTPUTS) {
    const template = await engine.load(o.template);
    if (o.per === 'cluster') files.set(o.out, template(cluster));
    else if (o.per === 'node') {
      for (const h of inv.hosts)
        files.set(o.out.replace('{node}', h.name), template(nodeContext(cluster, h)));
    } else {
      for (const ns of inv.cluster.policy.default_deny_namespaces) {
        files.set(o.out.replace('{namespace}', ns), template(namespaceContext(cluster, ns)));
      }
    }
  }
  const index = {
    picocal: packageVersion(),
    cluster: inv.cluster.cluster_name,
    calicoVersion: release.version,
    policyMode: inv.cluster.policy.mode,
    nodes: inv.hosts.map((h) => h.name),
    files: Object.fromEntries(
      [...files.keys()].sort().map((k) => [
        k,
        createHash('sha256')
          .update(files.get(k) ?? '')
          .digest('hex'),
      ]),
    ),
  };
  files.set(INDEX_FILE, JSON.stringify(index, null, 2) + '\n');
  return files;
}
