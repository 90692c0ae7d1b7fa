// From objects to a policy set: recognise each kind, build the cluster, compile every policy, and keep
// the staged ones apart. Unknown kinds are skipped with a note; bad input fails with every problem.
import type { Cluster } from '../model/cluster.js';
import type { CompiledPolicy, TierInfo } from '../model/policy.js';
import { compileCalicoPolicy } from '../calico/network-policy.js';
import { applyStaged } from '../calico/staged.js';
import { buildTiers, checkPolicyTiers } from '../calico/tiers.js';
import { compileKubernetesPolicy } from '../kubernetes/network-policy.js';
import { buildCluster } from './cluster.js';
import { isRecord, Problems } from './problems.js';
import { collectFiles, readObjects, type LoadedObject } from './read-objects.js';
import {
  isCalicoKind,
  isClusterNetworkPolicy,
  isRemovedAdminPolicy,
  removedAdminPolicyMessage,
} from '../model/calico-kinds.js';
import { compileClusterNetworkPolicy } from '../kubernetes/cluster-network-policy.js';
import { validateLoadedObjects } from '../validate/loaded.js';

export interface PolicySet {
  cluster: Cluster;
  tiers: Map<string, TierInfo>;
  /** What is enforced now. */
  policies: CompiledPolicy[];
  /** Enforced policies with every staged policy applied; undefined when there are no staged policies. */
  stagedPolicies: CompiledPolicy[] | undefined;
  notes: string[];
}

const CALICO_GROUPS = new Set(['projectcalico.org/v3', 'crd.projectcalico.org/v1']);

type Family = 'cluster' | 'k8s-policy' | 'cnp' | 'removed' | 'calico' | 'ignored';

function familyOf(obj: LoadedObject): Family {
  if (obj.apiVersion === 'v1' && ['Namespace', 'Pod', 'ServiceAccount'].includes(obj.kind)) return 'cluster';
  if (obj.apiVersion === 'networking.k8s.io/v1' && obj.kind === 'NetworkPolicy') return 'k8s-policy';
  if (isClusterNetworkPolicy(obj)) return 'cnp';
  if (isRemovedAdminPolicy(obj.apiVersion, obj.kind)) return 'removed';
  if (CALICO_GROUPS.has(obj.apiVersion) && isCalicoKind(obj.kind)) return 'calico';
  return 'ignored';
}

function stagedAction(obj: LoadedObject, problems: Problems): { action: 'Set' | 'Delete' } | undefined {
  const spec = isRecord(obj.value['spec']) ? obj.value['spec'] : {};
  const a = spec['stagedAction'] || 'Set';
  if (a === 'Set' || a === 'Delete') return { action: a };
  if (a === 'Learn' || a === 'Ignore') {
    problems.notes.push(
      `${obj.location.file}:${obj.location.line}: stagedAction ${a} has no enforced meaning: skipped`,
    );
    return undefined;
  }
  problems.add(obj, ['spec', 'stagedAction'], `stagedAction '${String(a)}' must be Set or Delete`);
  return undefined;
}

export function buildPolicySet(objects: readonly LoadedObject[]): PolicySet {
  const problems = new Problems();
  const families = new Map<Family, LoadedObject[]>();
  for (const o of objects) {
    const f = familyOf(o);
    const list = families.get(f);
    if (list) list.push(o);
    else families.set(f, [o]);
  }
  const byFamily = (f: Family) => families.get(f) ?? [];
  for (const o of byFamily('ignored'))
    problems.notes.push(
      `${o.location.file}:${o.location.line}: ${o.apiVersion} ${o.kind} is not a policy or cluster object: ignored`,
    );
  for (const o of objects)
    if (o.apiVersion === 'crd.projectcalico.org/v1')
      problems.notes.push(
        `${o.location.file}:${o.location.line}: crd.projectcalico.org/v1 is Calico's internal storage API: read as projectcalico.org/v3`,
      );
  const calico = byFamily('calico');
  validateLoadedObjects(calico, problems);
  const cluster = buildCluster(
    [
      ...byFamily('cluster'),
      ...calico.filter((o) => o.kind === 'NetworkSet' || o.kind === 'GlobalNetworkSet'),
    ],
    problems,
  );
  const tiers = buildTiers(
    calico.filter((o) => o.kind === 'Tier'),
    problems,
  );

  for (const o of byFamily('removed')) {
    const { message, hint } = removedAdminPolicyMessage(o.kind);
    problems.add(o, ['kind'], message, hint);
  }
  const enforced: CompiledPolicy[] = [
    ...byFamily('k8s-policy').map((o) => compileKubernetesPolicy(o, cluster, problems)),
    ...byFamily('cnp').map((o) => compileClusterNetworkPolicy(o, cluster, problems)),
  ];
  const staged: CompiledPolicy[] = [];
  for (const o of calico) {
    switch (o.kind) {
      case 'NetworkPolicy':
      case 'GlobalNetworkPolicy':
        enforced.push(compileCalicoPolicy(o, o.kind, cluster, problems));
        break;
      case 'StagedNetworkPolicy':
      case 'StagedGlobalNetworkPolicy': {
        const s = stagedAction(o, problems);
        const kind = o.kind === 'StagedNetworkPolicy' ? 'NetworkPolicy' : 'GlobalNetworkPolicy';
        if (s) staged.push(compileCalicoPolicy(o, kind, cluster, problems, s));
        break;
      }
      case 'StagedKubernetesNetworkPolicy': {
        const s = stagedAction(o, problems);
        if (s) staged.push(compileKubernetesPolicy(o, cluster, problems, s));
        break;
      }
    }
  }
  checkPolicyTiers([...enforced, ...staged], tiers, problems);
  problems.throwIfAny();
  return {
    cluster,
    tiers,
    policies: enforced,
    stagedPolicies: staged.length ? applyStaged(enforced, staged) : undefined,
    notes: problems.notes,
  };
}

/** Read `--cluster` and `--policies` paths (files or folders) into one policy set. */
export function loadPolicySet(paths: readonly string[], cwd: string): PolicySet {
  return buildPolicySet(readObjects(collectFiles(paths, cwd), cwd));
}
