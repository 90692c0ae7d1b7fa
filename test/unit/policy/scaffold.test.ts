// `picocal policy new`: every pattern is valid YAML of valid objects that the linter has nothing to
// say about, and carries the corrections ERRATA.md asks for.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadAll } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { policyNew } from '../../../src/cli/commands/policy-new.js';
import { runProgram } from '../../../src/cli/main.js';
import { InputError } from '../../../src/errors.js';
import {
  defaultScaffoldOptions,
  PATTERNS,
  scaffoldObjects,
  scaffoldYaml,
} from '../../../src/policy/scaffold/index.js';
import { lintText } from './lint-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'picocal-new-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('policy scaffolds', () => {
  for (const pattern of Object.keys(PATTERNS)) {
    it(`${pattern}: lints with zero findings (schemas included)`, () => {
      const yaml = scaffoldYaml(pattern, defaultScaffoldOptions({ namespace: 'myapp' }));
      expect(lintText(yaml, `${pattern}.yaml`).findings).toEqual([]);
    });
    it(`${pattern}: the YAML text loads back to exactly the objects built`, () => {
      const options = defaultScaffoldOptions({ namespace: 'myapp' });
      expect(loadAll(scaffoldYaml(pattern, options))).toEqual(scaffoldObjects(pattern, options));
    });
  }

  const identity = (o: Record<string, unknown>): string => {
    const m = o['metadata'] as { name: string; namespace?: string };
    return `${String(o['apiVersion'])} ${String(o['kind'])} ${m.namespace ?? '-'}/${m.name}`;
  };
  const names = Object.keys(PATTERNS);
  it.each(names.flatMap((a, i) => names.slice(i + 1).map((b) => [a, b])))(
    '%s and %s in one namespace share no object (neither replaces the other when applied)',
    (a, b) => {
      const options = defaultScaffoldOptions({ namespace: 'shop' });
      const mine = new Set(scaffoldObjects(a, options).map(identity));
      const shared = scaffoldObjects(b, options)
        .map(identity)
        .filter((id) => mine.has(id));
      // The two tiers of three-tier are cluster-wide and only three-tier makes them.
      expect(shared).toEqual([]);
    },
  );

  it('every pattern together in one namespace lints without duplicate-resource findings', () => {
    const options = defaultScaffoldOptions({ namespace: 'shop' });
    const yaml = names.map((p) => scaffoldYaml(p, options)).join('---\n');
    const dup = lintText(yaml, 'all.yaml').findings.filter((f) => f.rule === 'duplicate-resource');
    expect(dup).toEqual([]);
  });

  it('allow-dns selects kube-dns in kube-system by kubernetes.io/metadata.name, on UDP and TCP 53', () => {
    const [policy] = scaffoldObjects('allow-dns', defaultScaffoldOptions());
    expect(policy).toMatchObject({
      spec: {
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      },
    });
  });

  it('internet-egress uses ipBlock 0.0.0.0/0 except the cluster CIDRs given', () => {
    const objects = scaffoldObjects(
      'internet-egress',
      defaultScaffoldOptions({ podCidr: '10.42.0.0/16', serviceCidr: '10.43.0.0/16' }),
    );
    expect(JSON.stringify(objects)).toContain(
      '{"ipBlock":{"cidr":"0.0.0.0/0","except":["10.42.0.0/16","10.43.0.0/16"]}}',
    );
    expect(JSON.stringify(objects)).not.toContain('namespaceSelector":{}');
  });

  it('three-tier puts frontend, backend and database policies in a Calico tier after a platform tier', () => {
    const objects = scaffoldObjects('three-tier', defaultScaffoldOptions()) as {
      kind: string;
      metadata: { name: string };
      spec: { tier?: string };
    }[];
    expect(objects.filter((o) => o.kind === 'Tier').map((o) => o.metadata.name)).toEqual(['platform', 'app']);
    expect(objects.filter((o) => o.spec.tier === 'app').map((o) => o.metadata.name)).toEqual([
      'app.frontend',
      'app.backend',
      'app.database',
    ]);
  });

  it('quotes values YAML would misread (the namespace goes through js-yaml)', () => {
    const yaml = scaffoldYaml('allow-dns', defaultScaffoldOptions({ namespace: 'true' }));
    expect((loadAll(yaml)[0] as { metadata: { namespace: unknown } }).metadata.namespace).toBe('true');
  });

  it.each([
    ['no-such-pattern', {}],
    ['allow-dns', { namespace: 'Bad_NS' }],
    ['internet-egress', { podCidr: '10.0.0.0/33' }],
  ])('rejects %s with %j as bad input', (pattern, partial) => {
    expect(() => scaffoldObjects(pattern, defaultScaffoldOptions(partial))).toThrow(InputError);
  });

  it('picocal policy new writes --out and refuses to overwrite without --force', async () => {
    const file = join(tmp, 'deny.yaml');
    const run = (argv: string[]) =>
      runProgram({ name: 'picocal', summary: 't', commands: [policyNew] }, ['policy', 'new', ...argv], {
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        color: false,
        cwd: tmp,
      });
    expect(await run(['default-deny', '--namespace', 'myapp', '--out', file])).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('namespace: myapp');
    expect(await run(['default-deny', '--out', file])).toBe(2);
    expect(await run(['default-deny', '--out', file, '--force'])).toBe(0);
  });

  it('--out DIR/ writes one file per namespace and pattern, so patterns never overwrite each other', async () => {
    const dir = join(tmp, 'policies');
    const run = (argv: string[]) =>
      runProgram({ name: 'picocal', summary: 't', commands: [policyNew] }, ['policy', 'new', ...argv], {
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        color: false,
        cwd: tmp,
      });
    for (const pattern of names) expect(await run([pattern, '-n', 'shop', '--out', `${dir}/`])).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(names.map((p) => `shop-${p}.yaml`).sort());
    expect(readFileSync(join(dir, 'shop-allow-dns.yaml'), 'utf8')).toContain('name: allow-dns');
    expect(readFileSync(join(dir, 'shop-default-deny.yaml'), 'utf8')).toContain(
      'name: default-deny-allow-dns',
    );
    // The folder exists now: no trailing slash needed, and an existing file is still refused.
    expect(await run(['allow-dns', '-n', 'shop', '--out', dir])).toBe(2);
    expect(await run(['allow-dns', '-n', 'web', '--out', dir])).toBe(0);
    expect(readdirSync(dir)).toContain('web-allow-dns.yaml');
  });

  it("internet-egress with -i excludes the inventory's pod and service ranges; --pod-cidr still wins", async () => {
    const inventory = join(process.cwd(), 'inventory/picocluster.yaml');
    const file = join(tmp, 'egress.yaml');
    const run = (argv: string[]) =>
      runProgram({ name: 'picocal', summary: 't', commands: [policyNew] }, ['policy', 'new', ...argv], {
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        color: false,
        cwd: tmp,
      });
    expect(await run(['internet-egress', '-i', inventory, '--out', file])).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('10.42.0.0/16');
    expect(text).toContain('10.43.0.0/16');
    expect(text).not.toContain('192.168.0.0/16');
    expect(
      await run([
        'internet-egress',
        '-i',
        inventory,
        '--pod-cidr',
        '10.244.0.0/16',
        '--out',
        file,
        '--force',
      ]),
    ).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('10.244.0.0/16');
  });
});
