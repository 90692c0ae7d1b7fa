// Strict reading of whisker-backend's `GET /flows` answer (a List: `{"total": {"totalPages": N},
// "items": [FlowResponse...]}`, lib/httpmachinery/pkg/apiutil/response.go). Every field picocal uses must
// be there with its type, every enum one the proto defines, every policy hit valid as Goldmane itself
// checks it (goldmane/proto/methods.go PolicyHit.Validate): a record that is not is an error naming its
// path, never a guess. Go writes empty lists as `null` (items, enforced, pending) and a missing trigger as
// `null`: those are accepted.
import {
  FLOW_ACTIONS,
  GLOBAL_HIT_KINDS,
  NAMESPACED_HIT_KINDS,
  POLICY_HIT_KINDS,
  REPORTERS,
  type ObservedFlow,
  type PolicyHit,
} from '../../policy/goldmane/flow.js';
import { FlowsApiError } from '../../policy/goldmane/flows-error.js';

type Obj = Record<string, unknown>;

class At {
  constructor(readonly path: string) {}
  fail(what: string): never {
    throw new FlowsApiError(`the flow API answered a record picocal cannot read: ${this.path}: ${what}`, {
      hint: 'check that whisker-backend is Calico 3.30 or later (picocal follows whisker-backend/pkg/apis/v1/flows.go)',
    });
  }
  at(key: string | number): At {
    return new At(typeof key === 'number' ? `${this.path}[${key}]` : `${this.path}.${key}`);
  }
}

function obj(v: unknown, at: At): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) at.fail(`expected an object, got ${show(v)}`);
  return v as Obj;
}

function show(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : `${typeof v} ${JSON.stringify(v)}`;
}

function str(o: Obj, key: string, at: At): string {
  const v = o[key];
  if (typeof v !== 'string')
    at.at(key).fail(`expected a string, got ${v === undefined ? 'nothing' : show(v)}`);
  return v as string;
}

function int(o: Obj, key: string, at: At): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    at.at(key).fail(`expected an integer, got ${v === undefined ? 'nothing' : show(v)}`);
  return v as number;
}

function oneOf<T extends string>(o: Obj, key: string, values: readonly T[], at: At): T {
  const v = str(o, key, at);
  if (!(values as readonly string[]).includes(v))
    at.at(key).fail(`'${v}' is not one of ${values.join(', ')}`);
  return v as T;
}

function time(o: Obj, key: string, at: At): Date {
  const v = str(o, key, at);
  // Go's time.Time marshals as RFC 3339 (with optional fractional seconds).
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v))
    at.at(key).fail(`'${v}' is not an RFC 3339 time`);
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) at.at(key).fail(`'${v}' is not a time`);
  return d;
}

/** whisker-backend joins a flow's labels with " | " (handlers/v1/protoconvert.go protoToFlow). */
function labels(o: Obj, key: string, at: At): string[] {
  const v = str(o, key, at);
  return v === '' ? [] : v.split(' | ');
}

function list(v: unknown, at: At): unknown[] {
  if (v === null) return [];
  if (!Array.isArray(v)) at.fail(`expected a list, got ${v === undefined ? 'nothing' : show(v)}`);
  return v;
}

export function parsePolicyHit(v: unknown, at: At): PolicyHit {
  const o = obj(v, at);
  const kind = oneOf(o, 'kind', POLICY_HIT_KINDS, at);
  const namespace = str(o, 'namespace', at);
  const trigger =
    o['trigger'] === null || o['trigger'] === undefined
      ? undefined
      : parseTrigger(o['trigger'], at.at('trigger'));
  const hit: PolicyHit = {
    kind,
    name: str(o, 'name', at),
    namespace,
    tier: str(o, 'tier', at),
    action: oneOf(o, 'action', FLOW_ACTIONS, at),
    policyIndex: int(o, 'policy_index', at),
    ruleIndex: int(o, 'rule_index', at),
    trigger,
  };
  if (NAMESPACED_HIT_KINDS.has(kind) && namespace === '')
    at.at('namespace').fail(`a ${kind} hit must name its namespace`);
  if (GLOBAL_HIT_KINDS.has(kind) && namespace !== '')
    at.at('namespace').fail(`a ${kind} hit has no namespace`);
  if (kind === 'EndOfTier' && !trigger)
    at.at('trigger').fail('an EndOfTier hit must name the policy that triggered it');
  if (kind !== 'EndOfTier' && trigger)
    at.at('trigger').fail(`only an EndOfTier hit has a trigger, not a ${kind} hit`);
  if (kind === 'EndOfTier' && hit.ruleIndex !== -1)
    at.at('rule_index').fail('an EndOfTier hit has rule_index -1');
  if (kind !== 'EndOfTier' && hit.ruleIndex < 0)
    at.at('rule_index').fail(`a ${kind} hit has a rule_index of 0 or more`);
  return hit;
}

/** A trigger names a policy; whisker-backend copies the whole PolicyHit message, action and indexes zero. */
function parseTrigger(v: unknown, at: At): PolicyHit {
  const o = obj(v, at);
  const kind = oneOf(o, 'kind', POLICY_HIT_KINDS, at);
  if (kind === 'EndOfTier') at.at('kind').fail('a trigger is a policy, not an end of tier');
  const action = o['action'];
  return {
    kind,
    name: str(o, 'name', at),
    namespace: str(o, 'namespace', at),
    tier: str(o, 'tier', at),
    // The proto's zero action (`ActionUnspecified`) is what an EndOfTier's trigger carries.
    action:
      action === 'ActionUnspecified' || action === undefined ? 'Pass' : oneOf(o, 'action', FLOW_ACTIONS, at),
    policyIndex: typeof o['policy_index'] === 'number' ? int(o, 'policy_index', at) : 0,
    ruleIndex: typeof o['rule_index'] === 'number' ? int(o, 'rule_index', at) : 0,
    trigger: undefined,
  };
}

export function parseFlow(v: unknown, at: At = new At('flow')): ObservedFlow {
  const o = obj(v, at);
  const policies = obj(o['policies'], at.at('policies'));
  const pat = at.at('policies');
  return {
    startTime: time(o, 'start_time', at),
    endTime: time(o, 'end_time', at),
    action: oneOf(o, 'action', FLOW_ACTIONS, at),
    sourceName: str(o, 'source_name', at),
    sourceNamespace: str(o, 'source_namespace', at),
    sourceLabels: labels(o, 'source_labels', at),
    destName: str(o, 'dest_name', at),
    destNamespace: str(o, 'dest_namespace', at),
    destLabels: labels(o, 'dest_labels', at),
    protocol: str(o, 'protocol', at),
    destPort: int(o, 'dest_port', at),
    reporter: oneOf(o, 'reporter', REPORTERS, at),
    enforced: list(policies['enforced'], pat.at('enforced')).map((h, i) =>
      parsePolicyHit(h, pat.at('enforced').at(i)),
    ),
    pending: list(policies['pending'], pat.at('pending')).map((h, i) =>
      parsePolicyHit(h, pat.at('pending').at(i)),
    ),
    packetsIn: int(o, 'packets_in', at),
    packetsOut: int(o, 'packets_out', at),
    bytesIn: int(o, 'bytes_in', at),
    bytesOut: int(o, 'bytes_out', at),
  };
}

/** The body of `GET /flows` (not watching): the list and its page count. */
export function parseFlowList(text: string): { totalPages: number; flows: ObservedFlow[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new FlowsApiError(`the flow API did not answer JSON: ${(e as Error).message}`, {
      hint: 'check that the whisker service in calico-system is Calico Whisker (port 8081)',
    });
  }
  const at = new At('response');
  const o = obj(doc, at);
  if (typeof o['error'] === 'string')
    throw new FlowsApiError(`the flow API answered an error: ${o['error']}`);
  const total = obj(o['total'], at.at('total'));
  const totalPages = int(total, 'totalPages', at.at('total'));
  const flows = list(o['items'], at.at('items')).map((f, i) => parseFlow(f, at.at('items').at(i)));
  return { totalPages, flows };
}
