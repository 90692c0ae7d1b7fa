// Every command that writes files into a user's folder (issue 13, item 1): it writes only the files it
// names, never touches a neighbour, replaces an existing file only with --force (or, for a report the
// user named, by design), never a folder, and never writes through or removes a file that happens to
// have its temporary name.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { treeSnapshot } from '../../helpers/tree-snapshot.js';

const tmp = mkdtempSync(join(tmpdir(), 'picocal-generated-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const GIT = `https://github.com/example/picocal.git#${'a'.repeat(40)}`;

// The lint below reads Calico's CRD manifest from picocal's download cache (no network here).
const savedCache = process.env['XDG_CACHE_HOME'];
beforeAll(() => {
  const cache = join(tmp, 'cache');
  const manifest = 'v3.32.1/manifests/v1_crd_projectcalico_org.yaml';
  cpSync(join('../shared/calico', manifest), join(cache, 'picocal/artifacts', manifest));
  process.env['XDG_CACHE_HOME'] = cache;
});
afterAll(() => {
  if (savedCache === undefined) delete process.env['XDG_CACHE_HOME'];
  else process.env['XDG_CACHE_HOME'] = savedCache;
});

function withPolicies(ws: string): void {
  cpSync('examples/policies', join(ws, 'examples/policies'), { recursive: true });
}

/** name, setup of the workspace (the cwd), argv, the files it writes (relative to the workspace). */
type Generator = [string, (ws: string) => void, string[], string[]];
const GENERATORS: Generator[] = [
  [
    'ci init github',
    withPolicies,
    ['ci', 'init', 'github', '--picocal-git', GIT],
    ['.github/workflows/picocal-policies.yml'],
  ],
  ['ci init gitlab', withPolicies, ['ci', 'init', 'gitlab', '--picocal-git', GIT], ['.gitlab-ci.yml']],
  [
    'monitoring rules',
    () => undefined,
    ['monitoring', 'rules', '--out', 'mon'],
    ['mon/calico-alerts.rules.yaml', 'mon/calico-metrics.yaml', 'mon/calico-alerts.prometheusrule.yaml'],
  ],
  [
    'gitops flux',
    withPolicies,
    ['gitops', 'flux', '--repo', 'https://github.com/me/cluster', '--path', './examples/policies/policies'],
    ['flux/picocal-policies.yaml', 'examples/policies/policies/kustomization.yaml'],
  ],
  [
    'policy new',
    () => undefined,
    ['policy', 'new', 'default-deny', '--namespace', 'shop', '--out', 'deny.yaml'],
    ['deny.yaml'],
  ],
];

/** The name writeFileAtomic gave its temporary file before: a file of the user's could have it. */
const oldTempName = (file: string) => join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);

let n = 0;
function workspace(setup: (ws: string) => void, files: string[]): string {
  const ws = join(tmp, `ws${n++}`);
  mkdirSync(ws);
  setup(ws);
  for (const f of files) {
    mkdirSync(join(ws, dirname(f)), { recursive: true });
    writeFileSync(join(ws, dirname(f), 'neighbour.txt'), 'the user’s\n');
    writeFileSync(join(ws, oldTempName(f)), 'the user’s, with an unlucky name\n');
  }
  return ws;
}

describe.each(GENERATORS)('%s', (_name, setup, argv, files) => {
  it('writes its files beside the user’s and touches nothing else', async () => {
    const ws = workspace(setup, files);
    const before = treeSnapshot(ws);
    const r = await runCli(argv, { cwd: ws });
    expect(r.code, r.stderr).toBe(0);
    const after = treeSnapshot(ws);
    for (const f of files) expect(after[f]).toBeDefined();
    expect(Object.fromEntries(Object.entries(after).filter(([k]) => k in before))).toEqual(before);
  });

  it('refuses (exit 2, nothing changed) to replace an existing file without --force', async () => {
    const ws = workspace(setup, files);
    for (const f of files) writeFileSync(join(ws, f), 'mine\n');
    const before = treeSnapshot(ws);
    const r = await runCli(argv, { cwd: ws });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--force/);
    expect(treeSnapshot(ws)).toEqual(before);
  });

  it('with --force replaces exactly its files: neighbours and a file with its old temporary name stay', async () => {
    const ws = workspace(setup, files);
    for (const f of files) writeFileSync(join(ws, f), 'mine\n');
    const before = treeSnapshot(ws);
    const r = await runCli([...argv, '--force'], { cwd: ws });
    expect(r.code, r.stderr).toBe(0);
    const after = treeSnapshot(ws);
    for (const f of files) expect(after[f]).not.toBe('mine\n');
    const rest = (t: Record<string, string>) =>
      Object.fromEntries(Object.entries(t).filter(([k]) => !files.includes(k)));
    expect(rest(after)).toEqual(rest(before));
  });

  // `policy new --out DIR` writes DIR/NS-PATTERN.yaml into an existing folder (tested below), so no folder is in its way.
  it.runIf(_name !== 'policy new')(
    'with --force never replaces a folder that is in the way (exit 2, nothing written)',
    async () => {
      const ws = workspace(setup, files);
      const last = files.at(-1)!;
      mkdirSync(join(ws, last));
      writeFileSync(join(ws, last, 'inside.txt'), 'the user’s\n');
      const before = treeSnapshot(ws);
      const r = await runCli([...argv, '--force'], { cwd: ws });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/folder/);
      expect(treeSnapshot(ws)).toEqual(before);
    },
  );
});

// Reports go to the file the user names and replace it (like any `-o FILE`), but nothing beside it.
const REPORTS: [string, (file: string) => string[]][] = [
  ['policy lint --sarif', (f) => ['policy', 'lint', 'examples/policies/policies', '--sarif', f]],
  ['policy test --junit', (f) => ['policy', 'test', 'examples/policies/policy-tests.yaml', '--junit', f]],
  [
    'policy matrix --html',
    (f) => [
      'policy',
      'matrix',
      '--cluster',
      'examples/policies/cluster.yaml',
      '--policies',
      'examples/policies/policies',
      '--port',
      '8080',
      '--html',
      f,
    ],
  ],
];

describe.each(REPORTS)('%s', (_name, argv) => {
  it('replaces the named report only, never a file with its temporary name', async () => {
    const ws = workspace(withPolicies, ['report.out']);
    writeFileSync(join(ws, 'report.out'), 'old report\n');
    const before = treeSnapshot(ws);
    const r = await runCli(argv('report.out'), { cwd: ws });
    expect(r.code, r.stderr).toBe(0);
    const after = treeSnapshot(ws);
    expect(after['report.out']).not.toBe('old report\n');
    delete before['report.out'];
    delete after['report.out'];
    expect(after).toEqual(before);
  });

  it('refuses a folder as the report file (exit 2, nothing changed)', async () => {
    const ws = workspace(withPolicies, []);
    mkdirSync(join(ws, 'report.out'));
    const before = treeSnapshot(ws);
    const r = await runCli(argv('report.out'), { cwd: ws });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/report\.out is a folder/);
    expect(treeSnapshot(ws)).toEqual(before);
    expect(readFileSync(join(ws, 'examples/policies/policy-tests.yaml'), 'utf8')).toBeTruthy();
  });
});

// `policy stage|enforce --out DIR` writes one file per input under DIR: a file already there is replaced
// only when it holds exactly that content already (a re-run) or with --force; neighbours stay.
describe.each([['stage'], ['enforce']])('policy %s --out', (direction) => {
  const argv = ['policy', direction, 'examples/policies/policies', '--out', 'out'];
  const clash = 'out/backend/api.yaml';

  function prepared(): string {
    const ws = workspace(withPolicies, [clash]);
    writeFileSync(join(ws, clash), 'the user’s own api.yaml\n');
    return ws;
  }

  it('refuses (exit 2, nothing written) to replace a different file of the user', async () => {
    const ws = prepared();
    const before = treeSnapshot(ws);
    const r = await runCli(argv, { cwd: ws });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to overwrite .*out\/backend\/api\.yaml: nothing was written/);
    expect(treeSnapshot(ws)).toEqual(before);
  });

  it('with --force replaces only its own files; a re-run without --force is fine', async () => {
    const ws = prepared();
    const before = treeSnapshot(ws);
    expect((await runCli([...argv, '--force'], { cwd: ws })).code).toBe(0);
    const after = treeSnapshot(ws);
    expect(after[clash]).not.toBe(before[clash]);
    for (const [k, v] of Object.entries(before)) if (k !== clash) expect(after[k], k).toBe(v);
    expect((await runCli(argv, { cwd: ws })).code).toBe(0);
    expect(treeSnapshot(ws)).toEqual(after);
  });
});

describe('policy new into an existing folder', () => {
  it("writes NS-PATTERN.yaml beside the user's files and never replaces the folder", async () => {
    const ws = workspace(() => undefined, []);
    mkdirSync(join(ws, 'deny.yaml'));
    writeFileSync(join(ws, 'deny.yaml', 'inside.txt'), 'the user’s\n');
    const before = treeSnapshot(ws);
    const r = await runCli(['policy', 'new', 'default-deny', '--namespace', 'shop', '--out', 'deny.yaml'], {
      cwd: ws,
    });
    expect(r.code, r.stderr).toBe(0);
    const after = treeSnapshot(ws);
    expect(after['deny.yaml/inside.txt']).toBe(before['deny.yaml/inside.txt']);
    expect(Object.keys(after).filter((k) => !(k in before))).toEqual(['deny.yaml/shop-default-deny.yaml']);
  });
});
