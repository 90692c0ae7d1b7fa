// Release sources: which folder a run uses (--artifacts, PICOCAL_ARTIFACTS, the inventory's artifacts_dir,
// the cache), that an unpinned binary never reaches a board (through the real role and ansible-playbook),
// and the lab's stand-ins with their own pins.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { releaseFileVars } from '../../../src/artifacts/ansible-vars.js';
import { calicoctlPath } from '../../../src/artifacts/calicoctl.js';
import { cacheSource, folderSource } from '../../../src/artifacts/release-source.js';
import { requireRelease, type CalicoRelease } from '../../../src/catalog/versions.js';
import type { CommandContext } from '../../../src/cli/command.js';
import { Output } from '../../../src/core/output.js';
import { namedSource, releaseSourceFor } from '../../../src/cli/release-source-option.js';
import type { Inventory } from '../../../src/inventory/types.js';
import { calicoctlStandIn } from '../../../src/lab/calico-node/calicoctl-standin.js';
import { LAB_MANIFESTS_ROOT, LAB_PINS, labReleaseSource } from '../../../src/lab/lab-release-source.js';

const root = mkdtempSync(join(tmpdir(), 'picocal-source-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const UNPINNED = requireRelease('3.32.1');
const PINNED: CalicoRelease = { ...requireRelease('3.31.7'), calicoctl: { arm64: sha('real arm64\n') } };

function plant(dir: string, release: CalicoRelease, arch: 'arm64' | 'amd64', text: string): string {
  const p = calicoctlPath(dir, release, arch);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text, { mode: 0o755 });
  return p;
}

function fakeCtx(options: Record<string, string | boolean> = {}): CommandContext {
  return {
    positionals: [],
    options,
    global: { inventory: undefined, output: 'text', verbose: false, debug: false },
    out: new Output('text', false, false),
    signal: new AbortController().signal,
    cwd: root,
  };
}

function inventory(
  cluster: Partial<Inventory['cluster']>,
  file = join(root, 'inv', 'inventory.yaml'),
): Inventory {
  return { file, cluster: { lab: { enabled: false }, ...cluster } } as unknown as Inventory;
}

/** The real calico_node_prep calicoctl tasks on localhost, for an x86_64 board, with these variables. */
function runCalicoctlTasks(name: string, vars: Record<string, unknown>) {
  const dest = join(root, `dest-${name}`, 'calicoctl');
  mkdirSync(dirname(dest), { recursive: true });
  const playbook = join(root, `calicoctl-${name}.yml`);
  writeFileSync(
    playbook,
    JSON.stringify([
      {
        hosts: 'localhost',
        connection: 'local',
        gather_facts: false,
        vars: {
          calico_release_tag: UNPINNED.tag,
          calico_version: UNPINNED.version,
          calico_preflight_probe: { arch: 'x86_64' },
          calico_node_prep_calicoctl_dest: dest,
          ...vars,
        },
        tasks: [
          {
            'ansible.builtin.import_tasks': resolve(
              'infrastructure/roles/calico_node_prep/tasks/calicoctl.yml',
            ),
          },
        ],
      },
    ]),
  );
  // picocal's own modules (calico_state) are found as infrastructure/ansible.cfg's `library =` finds them.
  const r = spawnSync('ansible-playbook', ['-i', 'localhost,', playbook], {
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_LIBRARY: resolve('infrastructure/library') },
  });
  return { r, dest };
}

describe('an unpinned calicoctl is never installed, whatever is in the cache', () => {
  it('the cache source lists it as missing and the role is given an empty folder and null pins', async () => {
    const cache = join(root, 'cache-planted');
    plant(cache, UNPINNED, 'arm64', '#!/bin/sh\necho planted\n');
    const set = await cacheSource({ dir: cache, download: false }).calicoctl(UNPINNED, ['arm64']);
    expect(set.files).toEqual([]);
    expect(set.missing[0]?.reason).toContain('is not pinned');
    const stage = join(root, 'stage-planted');
    const vars = await releaseFileVars(undefined, set, stage);
    expect(vars['calico_calicoctl_sha256']).toEqual({ arm64: null, amd64: null });
    expect(existsSync(join(stage, UNPINNED.tag))).toBe(false);
  });

  it('the real calico_node_prep tasks, given those variables, install nothing (ansible-playbook)', async () => {
    const cache = join(root, 'cache-ansible');
    plant(cache, UNPINNED, 'arm64', '#!/bin/sh\necho planted\n');
    plant(cache, UNPINNED, 'amd64', '#!/bin/sh\necho planted\n');
    const set = await cacheSource({ dir: cache, download: false }).calicoctl(UNPINNED, ['arm64', 'amd64']);
    const vars = await releaseFileVars(undefined, set, join(root, 'stage-ansible'));
    const { r, dest } = runCalicoctlTasks('ansible', vars);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('this board gets no calicoctl');
    expect(existsSync(dest)).toBe(false);
  });

  it('a run by hand with the cache folder itself installs no unpinned binary (ansible-playbook)', async () => {
    const cache = join(root, 'cache-by-hand');
    plant(cache, UNPINNED, 'amd64', '#!/bin/sh\necho planted\n');
    // What group_vars give a run by hand: the cache folder and the catalog's (absent) pins.
    const { r, dest } = runCalicoctlTasks('by-hand', {
      calico_node_prep_calicoctl_dir: cache,
      calico_calicoctl_sha256: { arm64: null, amd64: null },
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('has no sha256 pin');
    expect(existsSync(dest)).toBe(false);
  });

  it('a pinned binary is staged alone, with its pin, and the planted one beside it is not', async () => {
    const cache = join(root, 'cache-mixed');
    plant(cache, PINNED, 'arm64', 'real arm64\n');
    plant(cache, PINNED, 'amd64', 'planted amd64\n'); // 3.31.7's amd64 pin here is absent: unpinned
    const set = await cacheSource({ dir: cache, download: false }).calicoctl(PINNED, ['arm64', 'amd64']);
    const stage = join(root, 'stage-mixed');
    const vars = await releaseFileVars(undefined, set, stage);
    expect(vars['calico_calicoctl_sha256']).toEqual({ arm64: sha('real arm64\n'), amd64: null });
    expect(readdirSync(join(stage, PINNED.tag, 'bin'))).toEqual(['calicoctl-linux-arm64']);
  });
});

describe('which folder a run takes its release files from', () => {
  const saved = process.env['PICOCAL_ARTIFACTS'];
  afterEach(() => {
    if (saved === undefined) delete process.env['PICOCAL_ARTIFACTS'];
    else process.env['PICOCAL_ARTIFACTS'] = saved;
  });
  it.each([
    { flag: 'a', env: 'b', inv: 'c', want: '--artifacts', dir: join(root, 'a') },
    { flag: undefined, env: 'b', inv: 'c', want: 'PICOCAL_ARTIFACTS', dir: join(root, 'b') },
    { flag: undefined, env: undefined, inv: 'c', want: 'inventory', dir: join(root, 'inv', 'c') },
    { flag: undefined, env: undefined, inv: '/abs/c', want: 'inventory', dir: '/abs/c' },
    { flag: undefined, env: undefined, inv: undefined, want: 'cache', dir: undefined },
  ])(
    '--artifacts $flag, PICOCAL_ARTIFACTS $env, artifacts_dir $inv → $want',
    ({ flag, env, inv, want, dir }) => {
      if (env) process.env['PICOCAL_ARTIFACTS'] = env;
      else delete process.env['PICOCAL_ARTIFACTS'];
      const s = namedSource(
        fakeCtx(flag ? { artifacts: flag } : {}),
        inventory(inv ? { artifacts_dir: inv } : {}),
      );
      expect(s.origin).toBe(want);
      if (dir) expect(s.dir).toBe(dir);
    },
  );

  it('refuses --lab-manifests for a real cluster (exit 2)', () => {
    expect(() => releaseSourceFor(fakeCtx({ 'lab-manifests': true }), inventory({}))).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: expect.stringContaining('only for the virtual PicoCluster'),
      }),
    );
  });

  it('a named folder missing a manifest says where to put it', async () => {
    await expect(folderSource(join(root, 'empty'), 'PICOCAL_ARTIFACTS').manifests(UNPINNED)).rejects.toThrow(
      /is missing from .*empty/,
    );
  });
});

describe('LAB ONLY: the lab source and its pins', () => {
  it.each(Object.entries(LAB_PINS))('%s: the pins are the stand-in files', (tag, pins) => {
    const release = requireRelease(tag);
    expect(sha(calicoctlStandIn(release))).toBe(pins.calicoctl);
    if (pins.crds) expect(sha(readFileSync(join(LAB_MANIFESTS_ROOT, tag, 'crds.yaml')))).toBe(pins.crds);
    if (pins.operator)
      expect(sha(readFileSync(join(LAB_MANIFESTS_ROOT, tag, 'tigera-operator.yaml')))).toBe(pins.operator);
  });

  it('hands out the calicoctl stand-in, pinned, when the real binary is not at hand', async () => {
    const work = join(root, 'lab-work');
    const src = labReleaseSource(cacheSource({ dir: join(root, 'lab-cache'), download: false }), {
      standInManifests: true,
      workDir: work,
    });
    const set = await src.calicoctl(UNPINNED, ['arm64']);
    expect(set.labOnly).toBe(true);
    expect(set.files.map((f) => [f.arch, f.source, f.sha256])).toEqual([
      ['arm64', 'lab-only', LAB_PINS['v3.32.1']?.calicoctl],
      ['amd64', 'lab-only', LAB_PINS['v3.32.1']?.calicoctl],
    ]);
    const m = await src.manifests(UNPINNED);
    expect(m.labOnly).toBe(true);
    expect(m.files.map((f) => f.sha256)).toEqual([LAB_PINS['v3.32.1']?.crds, LAB_PINS['v3.32.1']?.operator]);
  });

  it('falls back to the stand-in manifests only when nothing was named and the cache cannot help', async () => {
    const work = join(root, 'lab-work3');
    const fromCache = labReleaseSource(cacheSource({ dir: join(root, 'lab-empty-cache'), download: false }), {
      standInManifests: false,
      workDir: work,
    });
    expect((await fromCache.manifests(UNPINNED)).labOnly).toBe(true);
    const named = labReleaseSource(folderSource(join(root, 'lab-empty-folder'), 'PICOCAL_ARTIFACTS'), {
      standInManifests: false,
      workDir: work,
    });
    await expect(named.manifests(UNPINNED)).rejects.toThrow(/is missing from .*lab-empty-folder/);
  });

  it('uses the real binary when the base source has it', async () => {
    const user = join(root, 'lab-user');
    plant(user, UNPINNED, 'amd64', 'verified by hand\n');
    const src = labReleaseSource(folderSource(user, '--artifacts'), {
      standInManifests: false,
      workDir: join(root, 'lab-work2'),
    });
    const set = await src.calicoctl(UNPINNED, ['amd64']);
    expect(set.files.map((f) => f.source)).toEqual(['user-supplied']);
  });
});
