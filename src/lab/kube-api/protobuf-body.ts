// LAB ONLY: part of the Kubernetes API stand-in. Decodes the protobuf request bodies kubectl's
// generator subcommands send for built-in kinds (`kubectl create namespace|configmap|secret|
// serviceaccount|role|rolebinding|clusterrole|clusterrolebinding`): client-go encodes built-ins as
// `application/vnd.kubernetes.protobuf` whatever discovery or OpenAPI advertise, so the stand-in reads
// them rather than refusing them. Only the kinds and fields below are known (field numbers from
// k8s.io/api's generated.proto); other kinds get a 415 that says to use a manifest instead.
// Go encodes every optional field, set or not, so empty strings, zeros, false and empty messages are
// dropped to match what the same object looks like as JSON.
import { ApiStatusError, badRequest } from './api-status.js';

type Scalar = 'string' | 'bytes' | 'bool' | 'int';
interface Field {
  name: string;
  type: Scalar | Message | { map: 'string' | 'bytes' };
  repeated?: boolean;
}
type Message = Record<number, Field>;

const str = (name: string): Field => ({ name, type: 'string' });
const strs = (name: string): Field => ({ name, type: 'string', repeated: true });
const strMap = (name: string): Field => ({ name, type: { map: 'string' } });

const OWNER_REFERENCE: Message = {
  1: str('kind'),
  3: str('name'),
  4: str('uid'),
  5: str('apiVersion'),
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
};
const OBJECT_META: Message = {
  1: str('name'),
  2: str('generateName'),
  3: str('namespace'),
  11: strMap('labels'),
  12: strMap('annotations'),
  13: { name: 'ownerReferences', type: OWNER_REFERENCE, repeated: true },
  14: strs('finalizers'),
};
const meta: Field = { name: 'metadata', type: OBJECT_META };
const POLICY_RULE: Message = {
  1: strs('verbs'),
  2: strs('apiGroups'),
  3: strs('resources'),
  4: strs('resourceNames'),
  5: strs('nonResourceURLs'),
};
const LABEL_SELECTOR: Message = {
  1: strMap('matchLabels'),
  2: {
    name: 'matchExpressions',
    type: { 1: str('key'), 2: str('operator'), 3: strs('values') },
    repeated: true,
  },
};
const BINDING: Message = {
  1: meta,
  2: {
    name: 'subjects',
    type: { 1: str('kind'), 2: str('apiGroup'), 3: str('name'), 4: str('namespace') },
    repeated: true,
  },
  3: { name: 'roleRef', type: { 1: str('apiGroup'), 2: str('kind'), 3: str('name') } },
};

const KINDS: Record<string, Message> = {
  'v1/Namespace': { 1: meta, 2: { name: 'spec', type: { 1: strs('finalizers') } } },
  'v1/ConfigMap': {
    1: meta,
    2: strMap('data'),
    3: { name: 'binaryData', type: { map: 'bytes' } },
    4: { name: 'immutable', type: 'bool' },
  },
  'v1/Secret': {
    1: meta,
    2: { name: 'data', type: { map: 'bytes' } },
    3: str('type'),
    4: strMap('stringData'),
    5: { name: 'immutable', type: 'bool' },
  },
  'v1/ServiceAccount': {
    1: meta,
    3: { name: 'imagePullSecrets', type: { 1: str('name') }, repeated: true },
    4: { name: 'automountServiceAccountToken', type: 'bool' },
  },
  'rbac.authorization.k8s.io/v1/Role': { 1: meta, 2: { name: 'rules', type: POLICY_RULE, repeated: true } },
  'rbac.authorization.k8s.io/v1/ClusterRole': {
    1: meta,
    2: { name: 'rules', type: POLICY_RULE, repeated: true },
    3: {
      name: 'aggregationRule',
      type: { 1: { name: 'clusterRoleSelectors', type: LABEL_SELECTOR, repeated: true } },
    },
  },
  'rbac.authorization.k8s.io/v1/RoleBinding': BINDING,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': BINDING,
};

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"
const UNKNOWN: Message = {
  1: { name: 'typeMeta', type: { 1: str('apiVersion'), 2: str('kind') } },
  2: { name: 'raw', type: 'bytes' },
};

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): number {
    let out = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.buf.length) throw badRequest('truncated protobuf body');
      const b = this.buf[this.pos++]!;
      out += (b & 0x7f) * scale;
      if (b < 0x80) return out;
      scale *= 128;
    }
  }

  bytes(): Buffer {
    const n = this.varint();
    if (this.pos + n > this.buf.length) throw badRequest('truncated protobuf body');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw badRequest(`unsupported protobuf wire type ${wire}`);
  }
}

function isEmpty(v: unknown): boolean {
  if (v === '' || v === 0 || v === false || v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && v !== null && Object.keys(v).length === 0;
}

function decodeField(r: Reader, wire: number, f: Field): unknown {
  const t = f.type;
  if (t === 'int' || t === 'bool') {
    const n = r.varint();
    return t === 'bool' ? n !== 0 : n;
  }
  if (wire !== 2) throw badRequest(`protobuf field ${f.name}: unexpected wire type ${wire}`);
  const b = r.bytes();
  if (t === 'string') return b.toString('utf8');
  if (t === 'bytes') return b.toString('base64');
  if ('map' in t) {
    const entry = decodeMessage(b, { 1: str('key'), 2: { name: 'value', type: t.map } });
    return [String(entry.key ?? ''), entry.value ?? ''];
  }
  return decodeMessage(b, t);
}

function decodeMessage(buf: Buffer, schema: Message): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (!r.done) {
    const key = r.varint();
    const f = schema[Math.floor(key / 8)];
    if (!f) {
      r.skip(key & 7);
      continue;
    }
    const v = decodeField(r, key & 7, f);
    if (typeof f.type === 'object' && 'map' in f.type) {
      const [k, val] = v as [string, unknown];
      out[f.name] = { ...((out[f.name] as object | undefined) ?? {}), [k]: val };
    } else if (f.repeated) out[f.name] = [...((out[f.name] as unknown[] | undefined) ?? []), v];
    else out[f.name] = v;
  }
  // Maps keep empty values (a ConfigMap key may be ""); every other empty field is dropped.
  for (const [k, v] of Object.entries(out)) {
    const f = Object.values(schema).find((x) => x.name === k);
    const isMap = typeof f?.type === 'object' && 'map' in f.type;
    if (!isMap && isEmpty(v)) delete out[k];
  }
  return out;
}

export function isProtobuf(contentType: string): boolean {
  return contentType.includes('application/vnd.kubernetes.protobuf');
}

/** A protobuf request body (runtime.Unknown envelope) as the JSON object it stands for. */
export function decodeProtobufBody(body: Buffer): Record<string, unknown> {
  if (!body.subarray(0, 4).equals(MAGIC)) throw badRequest('protobuf body without the k8s envelope');
  const env = decodeMessage(body.subarray(4), UNKNOWN) as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: string;
  };
  const apiVersion = env.typeMeta?.apiVersion ?? '';
  const kind = env.typeMeta?.kind ?? '';
  const schema = KINDS[`${apiVersion}/${kind}`];
  if (!schema) {
    throw new ApiStatusError(
      415,
      'UnsupportedMediaType',
      `the lab API stand-in decodes protobuf only for ${Object.keys(KINDS).join(', ')}; this kubectl subcommand sent a ${apiVersion} ${kind}: create it from a manifest with kubectl create -f or kubectl apply -f`,
    );
  }
  return { apiVersion, kind, ...decodeMessage(Buffer.from(env.raw ?? '', 'base64'), schema) };
}
