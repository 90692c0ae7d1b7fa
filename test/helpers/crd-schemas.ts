// Validate objects against the real CustomResourceDefinition schemas (OpenAPI v3) of a Calico release,
// and Kubernetes built-ins against kubernetes-models' generated validation.
import { Ajv, type ValidateFunction } from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';

interface Crd {
  spec: {
    group: string;
    names: { kind: string };
    versions: Array<{ name: string; served: boolean; schema?: { openAPIV3Schema: object } }>;
  };
}

// CRD patterns are Go RE2: translate the `(?i)` flag group (at the start, after any `^`) that
// JavaScript lacks into the `i` flag.
const goRegExp = Object.assign(
  (pattern: string, flags: string) => {
    const m = /^(\^?)\(\?i\)/.exec(pattern);
    return m ? new RegExp(m[1] + pattern.slice(m[0].length), `${flags}i`) : new RegExp(pattern, flags);
  },
  { code: 'goRegExp' },
);

/**
 * The API server's strict field validation (kubectl's default, `fieldValidation=Strict`) rejects fields a
 * structural schema does not declare: model that by closing every object that lists its properties.
 */
function strictFields(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictFields);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema))
    out[k] = k === 'properties' ? mapValues(v, strictFields) : strictFields(v);
  if (
    out['properties'] &&
    out['additionalProperties'] === undefined &&
    !out['x-kubernetes-preserve-unknown-fields']
  ) {
    out['additionalProperties'] = false;
  }
  return out;
}

function mapValues(o: unknown, f: (v: unknown) => unknown): unknown {
  return Object.fromEntries(Object.entries(o as Record<string, unknown>).map(([k, v]) => [k, f(v)]));
}

export class CrdSchemas {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(dirs: string[]) {
    // Kubernetes structural schemas use x-kubernetes-* extensions and formats such as int32 that ajv does
    // not know: validate structure and types, not those annotations.
    const ajv = new Ajv({
      strict: false,
      allErrors: true,
      validateFormats: false,
      code: { regExp: goRegExp },
    });
    for (const dir of dirs) {
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
        for (const doc of loadAll(readFileSync(join(dir, f), 'utf8')) as Crd[]) {
          if (!doc?.spec?.versions) continue;
          for (const v of doc.spec.versions) {
            if (!v.served || !v.schema) continue;
            const key = `${doc.spec.group}/${v.name}/${doc.spec.names.kind}`;
            this.validators.set(key, ajv.compile(strictFields(v.schema.openAPIV3Schema) as object));
          }
        }
      }
    }
  }

  has(apiVersion: string, kind: string): boolean {
    return this.validators.has(`${apiVersion}/${kind}`);
  }

  /** Error texts; empty when the object is valid. Throws when no schema is known for its kind. */
  validate(obj: { apiVersion: string; kind: string }): string[] {
    const v = this.validators.get(`${obj.apiVersion}/${obj.kind}`);
    if (!v) throw new Error(`no CRD schema for ${obj.apiVersion} ${obj.kind}`);
    if (v(obj)) return [];
    return (v.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  }
}
