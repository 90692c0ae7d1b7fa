// Make denied packets visible: Calico's `Log` action writes a kernel log line (prefix `calico-packet`)
// and goes on to the next rule, so a Log rule with a Deny rule's match, placed just before it, logs
// exactly what that rule denies. Policies that select pods for a direction but have no rules there (a
// default deny) deny at the end of the tier whatever reaches them: a match-all Log rule logs that.
// Every inserted rule carries an annotation, so --remove takes out exactly those and nothing else.

type Json = Record<string, unknown>;

export const LOG_RULE_ANNOTATION = 'picocal.io/log-rule';
type Marker = 'before-deny' | 'end-of-tier';

export interface LogRuleChange {
  policy: string;
  direction: 'ingress' | 'egress';
  /** Index of the inserted (or removed) rule in the direction's list, as written afterwards (before). */
  index: number;
  what: 'added' | 'removed';
  reason: Marker;
}

export interface LogRuleOutcome {
  value: Json;
  changes: LogRuleChange[];
  /** Why a policy-like object was left as it was. */
  note?: string;
}

const LOGGABLE = new Set(['NetworkPolicy', 'GlobalNetworkPolicy']);

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function markerOf(rule: unknown): Marker | undefined {
  if (!isRecord(rule) || rule['action'] !== 'Log' || !isRecord(rule['metadata'])) return undefined;
  const a = rule['metadata']['annotations'];
  const m = isRecord(a) ? a[LOG_RULE_ANNOTATION] : undefined;
  return m === 'before-deny' || m === 'end-of-tier' ? m : undefined;
}

function logRule(match: Json, marker: Marker): Json {
  const { action: _action, metadata: _metadata, ...criteria } = match;
  return { action: 'Log', ...criteria, metadata: { annotations: { [LOG_RULE_ANNOTATION]: marker } } };
}

function label(v: Json): string {
  const meta = isRecord(v['metadata']) ? v['metadata'] : {};
  const ns = typeof meta['namespace'] === 'string' ? `${meta['namespace']}/` : '';
  return `${String(v['kind'])} ${ns}${String(meta['name'] ?? '?')}`;
}

/** The policy's types as Calico defaults them: Ingress always, Egress when it has egress rules. */
function typesOf(spec: Json): Set<string> {
  if (Array.isArray(spec['types'])) return new Set(spec['types'].filter((t) => typeof t === 'string'));
  const types = new Set(['Ingress']);
  if (Array.isArray(spec['egress']) && spec['egress'].length) types.add('Egress');
  return types;
}

function kubernetesNote(v: Json): string | undefined {
  if (v['apiVersion'] === 'networking.k8s.io/v1' && v['kind'] === 'NetworkPolicy')
    return 'Kubernetes NetworkPolicy has no Log action: write the deny as a Calico policy to log it';
  return undefined;
}

export function addLogRules(v: Json): LogRuleOutcome {
  if (v['apiVersion'] !== 'projectcalico.org/v3' || !LOGGABLE.has(String(v['kind'])))
    return { value: v, changes: [], ...(kubernetesNote(v) ? { note: kubernetesNote(v) } : {}) };
  const spec = isRecord(v['spec']) ? v['spec'] : {};
  const types = typesOf(spec);
  const changes: LogRuleChange[] = [];
  const newSpec: Json = { ...spec };
  for (const direction of ['ingress', 'egress'] as const) {
    if (!types.has(direction === 'ingress' ? 'Ingress' : 'Egress')) continue;
    const rules: unknown[] = Array.isArray(spec[direction]) ? spec[direction] : [];
    const out: unknown[] = [];
    rules.forEach((rule, i) => {
      const alreadyLogged = markerOf(rules[i - 1]) === 'before-deny';
      if (isRecord(rule) && rule['action'] === 'Deny' && !alreadyLogged) {
        changes.push({
          policy: label(v),
          direction,
          index: out.length,
          what: 'added',
          reason: 'before-deny',
        });
        out.push(logRule(rule, 'before-deny'));
      }
      out.push(rule);
    });
    // Only a policy with no rules of its own in this direction is a default deny: a catch-all Log
    // elsewhere would also log packets a later policy of the tier allows.
    const ownRules = rules.filter((r) => markerOf(r) === undefined);
    if (!ownRules.length && !rules.some((r) => markerOf(r) === 'end-of-tier')) {
      changes.push({ policy: label(v), direction, index: out.length, what: 'added', reason: 'end-of-tier' });
      out.push(logRule({}, 'end-of-tier'));
    }
    if (out.length !== rules.length) newSpec[direction] = out;
  }
  return { value: changes.length ? { ...v, spec: newSpec } : v, changes };
}

export function removeLogRules(v: Json): LogRuleOutcome {
  if (v['apiVersion'] !== 'projectcalico.org/v3' || !LOGGABLE.has(String(v['kind'])))
    return { value: v, changes: [] };
  const spec = isRecord(v['spec']) ? v['spec'] : {};
  const changes: LogRuleChange[] = [];
  const newSpec: Json = { ...spec };
  for (const direction of ['ingress', 'egress'] as const) {
    const rules = spec[direction];
    if (!Array.isArray(rules)) continue;
    const kept = rules.filter((rule, i) => {
      const marker = markerOf(rule);
      if (marker) changes.push({ policy: label(v), direction, index: i, what: 'removed', reason: marker });
      return !marker;
    });
    if (kept.length === rules.length) continue;
    // A direction that held only inserted rules had none before: leave no empty list behind.
    if (kept.length) newSpec[direction] = kept;
    else delete newSpec[direction];
  }
  return { value: changes.length ? { ...v, spec: newSpec } : v, changes };
}
