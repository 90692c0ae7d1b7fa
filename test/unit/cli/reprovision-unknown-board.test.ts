// reprovision BOARD with a board the inventory does not have: a usage error (exit 2) naming the
// closest board ("did you mean") and listing the boards, before anything is locked or changed.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

const INVENTORY = resolve('inventory/picocluster.yaml');
const work = mkdtempSync(join(tmpdir(), 'pc-reprov-unknown-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('reprovision of a board not in the inventory', () => {
  it.each([
    ['pc-node9', 'pc-node1'],
    ['pc-nod3', 'pc-node3'],
    ['PC-NODE5', 'pc-node5'],
    ['pcnode4', 'pc-node4'],
  ])('%s → did you mean %s, exit 2', async (board, suggested) => {
    const r = await runCli(['reprovision', board, '-i', INVENTORY], { cwd: work });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(`no board named '${board}' in ${INVENTORY}`);
    expect(r.stderr).toContain(`did you mean '${suggested}'?`);
    expect(r.stderr).toContain('pc-node1, pc-node2, pc-node3, pc-node4, pc-node5');
    expect(readdirSync(work)).toEqual([]);
  });

  it('names no board when none is close', async () => {
    const r = await runCli(['reprovision', 'gateway-router', '-i', INVENTORY], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('did you mean');
    expect(r.stderr).toContain('boards: pc-node1, pc-node2, pc-node3, pc-node4, pc-node5');
  });
});
