// `picocal policy matrix`: the quick start as a matrix, in text, JSON and HTML.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../src/cli/main.js';
import { policyMatrixCommand } from '../../../src/cli/commands/policy-matrix.js';

const root = new URL('../../..', import.meta.url).pathname;
const QS = [
  '--cluster',
  'test/fixtures/policy/quickstart/cluster.yaml',
  '--policies',
  'test/fixtures/policy/quickstart/policies.yaml',
];

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const sink = (f: (s: string) => void) =>
    new Writable({
      write(c, _e, cb) {
        f(String(c));
        cb();
      },
    });
  const code = await runProgram(
    { name: 'picocal', summary: '', commands: [policyMatrixCommand] },
    ['policy', 'matrix', ...argv],
    { cwd: root, color: false, stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)) },
  );
  return { code, stdout, stderr };
}

describe('policy matrix', () => {
  it('prints a table per port: only the pods themselves are reachable under default-deny', async () => {
    const r = await run(...QS, '--port', '8080');
    expect(r.code).toBe(0);
    // Newcomer review L1: the count leaves out a pod to itself (counted apart), and a legend says what
    // `.` and `X` mean.
    expect(r.stdout).toContain('TCP/8080: 0 of 2 pairs of different pods allowed; a pod to itself: 2 of 2');
    expect(r.stdout).toContain('legend: . allowed  X denied');
    expect(r.stdout).toMatch(/default\/frontend-pod +\.X {2}0/);
  });

  it('JSON has one boolean row per source pod and one plane per port', async () => {
    const r = await run(...QS, '--port', '8080', '--port', 'udp/53', '--output', 'json');
    const doc = JSON.parse(r.stdout);
    expect(doc.pods).toEqual(['default/frontend-pod', 'default/backend-pod']);
    expect(doc.planes.map((p: { flow: string }) => p.flow)).toEqual(['TCP/8080', 'UDP/53']);
    expect(doc.planes[0].allowed).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it('writes a self-contained HTML report with the reason on hover', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'picocal-matrix-')), 'm.html');
    const r = await run(...QS, '--port', '8080', '--html', file);
    expect(r.code).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|src=/);
    expect(html).toContain(
      'denied by end of tier &#39;default&#39;: Kubernetes NetworkPolicy default/default-deny',
    );
  });

  it('--selector narrows the pods', async () => {
    const r = await run(...QS, '--selector', "app == 'backend'", '--output', 'json');
    expect(JSON.parse(r.stdout).pods).toEqual(['default/backend-pod']);
  });
});
