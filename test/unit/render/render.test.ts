import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAll } from 'js-yaml';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { TemplateError } from '../../../src/errors.js';
import { loadInventory, parseInventory } from '../../../src/inventory/load.js';
import { renderInventory } from '../../../src/render/render.js';
import { TemplateEngine } from '../../../src/render/template-engine.js';
import { writeTreeAtomically } from '../../../src/render/write-tree.js';
import { CrdSchemas } from '../../helpers/crd-schemas.js';
import { SHARED_CALICO, sharedCalicoAvailable } from '../../helpers/shared.js';

const GOLDEN = 'test/golden/render/picocluster';
const tmp = mkdtempSync(join(tmpdir(), 'picocal-render-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

describe('rendering the example inventory', () => {
  it('matches the golden files byte for byte (UPDATE_GOLDEN=1 rewrites them)', async () => {
    const files = await renderInventory(await loadInventory('inventory/picocluster.yaml'));
    if (process.env['UPDATE_GOLDEN']) {
      rmSync(GOLDEN, { recursive: true, force: true });
      await writeTreeAtomically(files, GOLDEN);
    }
    expect([...files.keys()].sort()).toEqual(listFiles(GOLDEN));
    for (const [rel, content] of files) expect(content, rel).toBe(readFileSync(join(GOLDEN, rel), 'utf8'));
  });

  it('is deterministic: two renders are byte-identical', async () => {
    const inv = await loadInventory('inventory/picocluster.yaml');
    const a = await renderInventory(inv);
    const b = await renderInventory(inv);
    expect([...a.entries()]).toEqual([...b.entries()]);
  });

  it('writes atomically: a failed render leaves the previous output intact', async () => {
    const out = join(tmp, 'atomic');
    const inv = await loadInventory('inventory/picocluster.yaml');
    await writeTreeAtomically(await renderInventory(inv), out);
    const before = listFiles(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]);

    const templates = join(tmp, 'broken-templates');
    for (const f of listFiles('templates')) {
      mkdirSync(join(templates, f, '..'), { recursive: true });
      writeFileSync(join(templates, f), readFileSync(join('templates', f), 'utf8'));
    }
    writeFileSync(join(templates, 'node/host_vars.yaml.hbs'), 'name: {{yaml node.nosuchfield}}\n');
    await expect(renderInventory(inv, new TemplateEngine(templates))).rejects.toThrow(TemplateError);

    // A write that fails half way (a file where a folder must go) also leaves the old tree.
    const files = await renderInventory(inv);
    files.set('manifests/custom-resources.yaml/oops', 'x');
    await expect(writeTreeAtomically(files, out)).rejects.toThrow();
    expect(listFiles(out).map((f) => [f, readFileSync(join(out, f), 'utf8')])).toEqual(before);
    expect(readdirSync(tmp).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});

describe('templates', () => {
  const engine = new TemplateEngine();

  it('names the template and variable when a value is missing (strict)', () => {
    const t = engine.compile('t.hbs', 'a: 1\nb: {{yaml cluster.nope}}\n');
    expect(() => t({ cluster: {} })).toThrow(
      /template t\.hbs:2: variable missing in \{\{yaml cluster\.nope\}\}/,
    );
  });

  it('refuses a block condition on a missing value instead of treating it as false', () => {
    const t = engine.compile('t.hbs', '{{#if flags.on}}x: 1{{/if}}\n');
    expect(() => t({ flags: {} })).toThrow(/template t\.hbs:1/);
  });

  it.each(['{{name}}', '{{{name}}}', '{{yaml a b}}', '{{lookup x "y"}}'])(
    'refuses %s: every printed value must go through the yaml helper',
    (source) => {
      expect(() => engine.compile('t.hbs', `k: ${source}\n`)).toThrow(/without the yaml helper/);
    },
  );

  it('never HTML-escapes', () => {
    expect(engine.compile('t.hbs', 'v: {{yaml v}}')({ v: '<a & b>' })).toBe('v: "<a & b>"');
  });
});

const INJECTIONS = [
  'a: b',
  '"x"',
  '{{y}}',
  '#z',
  'line1\nline2',
  "it's",
  '- item',
  '&anchor *ref',
  '!!python/object',
  '\u2028',
  '  spaced  ',
  'key: [1, 2]\nother: 3',
];

describe('YAML injection', () => {
  // Values reach templates from the inventory; the validator rejects most of these as labels, so render
  // them directly to prove the renderer alone cannot be broken.
  const unsafeTag = { kind: 'scalar', resolve: (s: string) => s };
  it.each(INJECTIONS)('a label value %j neither breaks the YAML nor injects keys', async (value) => {
    const inv = parseInventory(
      readFileSync('inventory/picocluster.yaml', 'utf8'),
      'inventory/picocluster.yaml',
    );
    const host = inv.hosts[1];
    if (!host) throw new Error('no host');
    host.labels = { 'example.com/zone': value, plain: 'ok' };
    const files = await renderInventory(inv);
    const text = files.get(`ansible/host_vars/${host.name}.yaml`) ?? '';
    const { CORE_SCHEMA, defineScalarTag, load } = await import('js-yaml');
    const schema = CORE_SCHEMA.withTags(
      defineScalarTag('!unsafe', { ...unsafeTag, identify: () => false }) as never,
    );
    const doc = load(text, { schema }) as Record<string, unknown>;
    expect(doc['calico_node_labels']).toEqual({ 'example.com/zone': value, plain: 'ok' });
    expect(Object.keys(doc).sort()).toEqual([
      'calico_node_address',
      'calico_node_cmdline_path',
      'calico_node_labels',
    ]);
    // Inventory strings are tagged !unsafe so Ansible never templates them.
    expect(text).toContain(`!unsafe ${JSON.stringify(value).replace(/\u2028/g, '\\u2028')}`);
  });

  it.each(INJECTIONS)('a namespace name %j stays one value in the policy baseline', async (value) => {
    const inv = parseInventory(readFileSync('inventory/picocluster.yaml', 'utf8'), 'x.yaml');
    inv.cluster.policy.default_deny_namespaces = [value.replace(/\//g, '')];
    const files = await renderInventory(inv);
    const text = [...files.entries()].find(([k]) => k.startsWith('policies/'))?.[1] ?? '';
    const docs = loadAll(text) as Array<{ metadata: { namespace: string }; spec: object }>;
    expect(docs).toHaveLength(2);
    for (const d of docs) expect(d.metadata.namespace).toBe(value.replace(/\//g, ''));
  });
});

// Variants of the inventory that exercise every branch of the templates.
const VARIANTS: Array<{ name: string; edit: (s: string) => string }> = [
  { name: 'example (staged, VXLAN, metrics)', edit: (s) => s },
  { name: 'enforced policies', edit: (s) => s.replace('mode: staged', 'mode: enforced') },
  {
    name: 'IPIP with BGP, fixed MTU, Nftables',
    edit: (s) =>
      s
        .replace('encapsulation: VXLAN', 'encapsulation: IPIPCrossSubnet')
        .replace('bgp: false', 'bgp: true')
        .replace('mtu: auto', 'mtu: 1480')
        .replace('dataplane: Iptables', 'dataplane: Nftables'),
  },
  { name: 'eBPF dataplane', edit: (s) => s.replace('dataplane: Iptables', 'dataplane: BPF') },
  {
    name: 'Calico 3.31.7, metrics off',
    edit: (s) => s.replace('"3.32.1"', '"3.31.7"').replace('enabled: true', 'enabled: false'),
  },
  {
    name: 'Calico 3.29.7, autodetect by CIDR',
    edit: (s) => s.replace('"3.32.1"', '"3.29.7"').replace('interface: eth0', 'cidrs: [192.168.1.0/24]'),
  },
];

describe.runIf(sharedCalicoAvailable())('rendered resources pass the real schemas', () => {
  const crds = new CrdSchemas([
    join(SHARED_CALICO, 'v3.32.1/crds/operator.tigera.io'),
    join(SHARED_CALICO, 'v3.32.1/crds/projectcalico.org-v3'),
  ]);

  it.each(VARIANTS)('$name', async ({ edit }) => {
    const text = edit(readFileSync('inventory/picocluster.yaml', 'utf8'));
    const files = await renderInventory(parseInventory(text, 'inventory/picocluster.yaml'));
    let checked = 0;
    for (const [rel, content] of files) {
      if (!rel.startsWith('manifests/') && !rel.startsWith('policies/')) continue;
      for (const obj of loadAll(content) as Array<{ apiVersion: string; kind: string }>) {
        checked++;
        if (obj.apiVersion === 'v1' && obj.kind === 'ConfigMap') {
          expect(() => new ConfigMap(obj as never).validate(), rel).not.toThrow();
        } else if (obj.apiVersion === 'v1' && obj.kind === 'Service') {
          expect(() => new Service(obj as never).validate(), rel).not.toThrow();
        } else if (obj.apiVersion === 'networking.k8s.io/v1') {
          expect(() => new NetworkPolicy(obj as never).validate(), rel).not.toThrow();
        } else {
          expect(crds.validate(obj), `${rel} ${obj.kind}`).toEqual([]);
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it.each([
    ['a wrong field type', { kind: 'Installation', spec: { calicoNetwork: { mtu: 'big' } } }],
    ['an unknown field', { kind: 'Installation', spec: { calicoNetwork: { mtuu: 1400 } } }],
    ['an unknown enum value', { kind: 'Installation', spec: { calicoNetwork: { bgp: 'On' } } }],
  ])('the schema check can fail: %s is reported', (_what, obj) => {
    expect(crds.validate({ apiVersion: 'operator.tigera.io/v1', ...obj } as never)).not.toEqual([]);
  });
});

it('render outputs exist for every board of the example', () => {
  expect(existsSync(join(GOLDEN, 'ansible/host_vars/pc-node5.yaml'))).toBe(true);
  expect(relative('.', GOLDEN)).toBe(GOLDEN);
});
