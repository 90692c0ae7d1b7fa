// Staged policies never change what is enforced. The "staged view" is the policy set as it would be
// if every staged policy were enforced: stagedAction Set adds or replaces the enforced policy of the
// same kind, namespace, tier and name; Delete removes it.
import type { CompiledPolicy } from '../model/policy.js';

function baseName(p: CompiledPolicy): string {
  // Older Calico required `tier.name` names in non-default tiers; both spellings name one policy.
  const prefix = `${p.ref.tier}.`;
  return p.ref.name.startsWith(prefix) ? p.ref.name.slice(prefix.length) : p.ref.name;
}

export function policyKey(p: CompiledPolicy): string {
  return `${p.ref.kind}|${p.ref.namespace ?? ''}|${p.ref.tier}|${baseName(p)}`;
}

export function applyStaged(
  enforced: readonly CompiledPolicy[],
  staged: readonly CompiledPolicy[],
): CompiledPolicy[] {
  const byKey = new Map(enforced.map((p) => [policyKey(p), p]));
  for (const s of staged) {
    const key = policyKey(s);
    if (s.staged?.action === 'Delete') byKey.delete(key);
    else byKey.set(key, s);
  }
  return [...byKey.values()];
}
