// JSON-schema validators for the kinds the linter knows. Calico's come from the release's CRD manifest
// (calico-schemas.ts); Kubernetes' NetworkPolicy from the kubernetes-models package. Compiled once per
// set of schemas, on first use, because ajv compilation dominates a small lint's run time.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { CalicoSchemas } from './calico-schemas.js';
import type { CalicoKind } from './resource.js';
import { closest } from '../../schema/did-you-mean.js';

type SchemaNode = Record<string, unknown>;

export interface SchemaIssue {
  /** JSON pointer segments into the object. */
  path: (string | number)[];
  message: string;
  /** The field that is not in the schema (`unknown-field`), when that is the issue. */
  unknownField?: string;
  /** The closest field the object does have, for a misspelt unknown field. */
  didYouMean?: string;
}

/**
 * The API server's strict field validation (kubectl's default since Kubernetes 1.27) rejects fields
 * a structural schema does not declare; the CRDs say so by omission, so make it explicit for ajv.
 */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (node === null || typeof node !== 'object') return node;
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(node as SchemaNode)) {
    if (k === 'properties' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(
        Object.entries(v as SchemaNode).map(([name, s]) => [name, closeObjects(s)]),
      );
    } else {
      out[k] = closeObjects(v);
    }
  }
  if (
    out['properties'] &&
    out['additionalProperties'] === undefined &&
    !out['x-kubernetes-preserve-unknown-fields']
  ) {
    out['additionalProperties'] = false;
  }
  return out;
}

let ajv: Ajv | undefined;
/** Keyed by the parsed schemas, which calico-schemas.ts keeps once per manifest. */
const compiled = new WeakMap<object, Map<string, ValidateFunction>>();

function getAjv(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true, verbose: true });
    for (const f of ['int32', 'int64', 'date-time']) ajv.addFormat(f, true);
  }
  return ajv;
}

function validator(calico: CalicoSchemas, key: string, make: () => unknown): ValidateFunction {
  let forSet = compiled.get(calico.kinds);
  if (!forSet) {
    forSet = new Map();
    compiled.set(calico.kinds, forSet);
  }
  let v = forSet.get(key);
  if (!v) {
    v = getAjv().compile(closeObjects(make()) as SchemaNode);
    forSet.set(key, v);
  }
  return v;
}

function pointer(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function describeError(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum':
      return `must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'required':
      return `required field '${String(p['missingProperty'])}' is missing`;
    case 'type':
      return `must be ${String(p['type']).split(',').map(article).join(' or ')}`;
    default:
      return e.message ?? 'does not match the schema';
  }
}

function article(type: string): string {
  return (
    {
      integer: 'an integer',
      string: 'a string',
      object: 'a mapping',
      array: 'a list',
      number: 'a number',
      boolean: 'true or false',
    }[type] ?? type
  );
}

/** ajv's raw errors, reduced to one issue per field. */
export function toIssues(errors: readonly ErrorObject[] | null | undefined): SchemaIssue[] {
  if (!errors) return [];
  // int-or-string fields fail every branch of anyOf/oneOf: say it once, naming the branches' types.
  const branchTypes = new Map<string, string[]>();
  for (const e of errors)
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') branchTypes.set(e.instancePath, []);
  for (const e of errors) {
    if (e.keyword === 'type' && branchTypes.has(e.instancePath)) {
      branchTypes.get(e.instancePath)?.push(article(String((e.params as { type: unknown }).type)));
    }
  }
  const seen = new Set<string>();
  const out: SchemaIssue[] = [];
  for (const e of errors) {
    if (e.keyword === 'if' || (e.keyword === 'type' && branchTypes.has(e.instancePath))) continue;
    const path = pointer(e.instancePath);
    if (e.keyword === 'additionalProperties') {
      const name = String((e.params as { additionalProperty: unknown }).additionalProperty);
      // The object's own field names (ajv's parentSchema, with verbose errors) give the did-you-mean.
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const guess = closest(name, known);
      out.push({
        path: [...path, name],
        message: `unknown field '${name}'`,
        unknownField: name,
        ...(guess ? { didYouMean: guess } : {}),
      });
      continue;
    }
    const types = branchTypes.get(e.instancePath);
    const message =
      (e.keyword === 'anyOf' || e.keyword === 'oneOf') && types && types.length > 0
        ? `must be ${[...new Set(types)].sort().join(' or ')}`
        : describeError(e);
    const key = `${e.instancePath}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message });
  }
  return out;
}

export function validateCalico(calico: CalicoSchemas, kind: CalicoKind, value: unknown): SchemaIssue[] {
  const v = validator(calico, kind, () => calico.kinds[kind].schema);
  v(value);
  return toIssues(v.errors);
}

/**
 * Field names of a Kubernetes NetworkPolicy. kubernetes-models checks types but lets unknown fields
 * through; StagedKubernetesNetworkPolicy's CRD declares exactly Kubernetes' spec (plus stagedAction),
 * so it doubles as the list of fields the API server accepts.
 */
export function kubernetesUnknownFields(calico: CalicoSchemas, value: unknown): SchemaIssue[] {
  const v = validator(calico, 'kubernetes:NetworkPolicy', () => {
    const schema = structuredClone(calico.kinds.StagedKubernetesNetworkPolicy.schema);
    const spec = (schema['properties'] as SchemaNode)['spec'] as SchemaNode;
    delete (spec['properties'] as SchemaNode)['stagedAction'];
    // status is read-only but a `kubectl get -o yaml` export carries it.
    (schema['properties'] as SchemaNode)['status'] = {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    };
    return schema;
  });
  v(value);
  return toIssues(v.errors).filter((i) => i.unknownField !== undefined);
}
