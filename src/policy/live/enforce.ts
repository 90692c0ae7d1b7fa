// Staged → enforced on a live cluster. Every change goes through `applyStep`, which --dry-run replaces
// with a plan line. Enforced objects are applied first and staged ones deleted after, so a failure
// half-way leaves a staged copy behind (harmless: it only reports) rather than a policy missing.
import { convertObject, type KindRef } from '../convert/index.js';
import { isRecord } from '../load/problems.js';
import type { LoadedObject } from '../load/read-objects.js';
import { kubectl, kubectlFailure, type KubectlTarget } from './kubectl.js';

const STAGED_KINDS = new Set([
  'StagedNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
]);

/** The field manager picocal's server-side applies record, so `kubectl get --show-managed-fields` names it. */
export const FIELD_MANAGER = 'picocal';

export type EnforceStep =
  | { action: 'apply'; what: string; object: Record<string, unknown> }
  | { action: 'delete'; what: string; resource: string; name: string; namespace: string | undefined };

export interface EnforcePlan {
  steps: EnforceStep[];
  /** Staged policies left alone (stagedAction Learn/Ignore), with the reason. */
  skipped: string[];
  /** How many staged policies the plan enforces. */
  enforced: number;
}

function resourceOf(ref: KindRef): string {
  if (ref.apiVersion === 'networking.k8s.io/v1') return 'networkpolicies.networking.k8s.io';
  return `${ref.kind.toLowerCase().replace(/y$/, 'ie')}s.projectcalico.org`;
}

function describeRef(kind: string, namespace: string | undefined, name: string): string {
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

export function isStaged(o: LoadedObject): boolean {
  return o.apiVersion === 'projectcalico.org/v3' && STAGED_KINDS.has(o.kind);
}

/** What enforcing every staged policy means, as apply and delete steps in a safe order. */
export function planEnforce(staged: readonly LoadedObject[]): EnforcePlan {
  const applies: EnforceStep[] = [];
  const deletes: EnforceStep[] = [];
  const skipped: string[] = [];
  let enforced = 0;
  for (const o of staged) {
    const meta = isRecord(o.value['metadata']) ? o.value['metadata'] : {};
    const name = String(meta['name'] ?? '?');
    const namespace = typeof meta['namespace'] === 'string' ? meta['namespace'] : undefined;
    const self = describeRef(o.kind, namespace, name);
    const outcome = convertObject(o.value, 'enforce');
    const deleteStaged: EnforceStep = {
      action: 'delete',
      what: self,
      resource: resourceOf({ apiVersion: o.apiVersion, kind: o.kind }),
      name,
      namespace,
    };
    switch (outcome.kind) {
      case 'converted':
        applies.push({
          action: 'apply',
          what: `${describeRef(outcome.to.kind, namespace, name)} (${outcome.to.apiVersion}, from ${self})`,
          object: outcome.value,
        });
        deletes.push(deleteStaged);
        enforced++;
        break;
      case 'delete':
        applies.push({
          action: 'delete',
          what: `${describeRef(outcome.target.kind, namespace, name)} (${outcome.target.apiVersion}, stagedAction Delete in ${self})`,
          resource: resourceOf(outcome.target),
          name,
          namespace,
        });
        deletes.push(deleteStaged);
        enforced++;
        break;
      case 'skipped':
        skipped.push(`${self}: ${outcome.reason}`);
        break;
      case 'unchanged':
        break;
    }
  }
  return { steps: [...applies, ...deletes], skipped, enforced };
}

export function stepText(s: EnforceStep): string {
  return `${s.action} ${s.what}`;
}

/** The only function that changes the cluster for `policy enforce --live`. */
export async function applyStep(t: KubectlTarget, s: EnforceStep, dryRun: boolean): Promise<void> {
  if (dryRun) return;
  const args =
    s.action === 'apply'
      ? ['apply', '--server-side', '--force-conflicts', `--field-manager=${FIELD_MANAGER}`, '-f', '-']
      : [
          'delete',
          '--ignore-not-found',
          ...(s.namespace ? ['--namespace', s.namespace] : []),
          // After `--` a name is never read as a flag (`--all` would delete every object of the kind).
          '--',
          s.resource,
          s.name,
        ];
  const r = await kubectl(t, args, s.action === 'apply' ? JSON.stringify(s.object) : undefined);
  if (r.exitCode !== 0) throw kubectlFailure(args, r, t);
}
