// policy enforce --live deletes a staged object with kubectl: the resource and name come after `--`, so a
// name can never be read as a flag (`--all` would delete every object of that kind) — security review,
// informational item "kubectl delete RES NAME has no --". kubectl (cobra) takes everything after `--` as
// positional arguments: https://github.com/spf13/cobra/blob/main/command.go (ArgsLenAtDash).
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyStep, type EnforceStep } from '../../../src/policy/live/enforce.js';

describe('policy enforce --live: the kubectl delete argv', () => {
  it.each([['default-deny'], ['--all'], ['-A']])('puts the name %j after --', async (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'picocal-enforce-argv-'));
    const log = join(dir, 'argv.json');
    const fake = join(dir, 'kubectl');
    // A recording stand-in for kubectl: it only writes its argv down (no cluster is involved).
    writeFileSync(
      fake,
      `#!/usr/bin/env node\nrequire('node:fs').writeFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)));\n`,
    );
    chmodSync(fake, 0o755);
    const step: EnforceStep = {
      action: 'delete',
      what: `StagedNetworkPolicy shop/${name}`,
      resource: 'stagednetworkpolicies.projectcalico.org',
      name,
      namespace: 'shop',
    };
    await applyStep({ binary: fake }, step, false);
    const argv = JSON.parse(readFileSync(log, 'utf8')) as string[];
    const dash = argv.indexOf('--');
    expect(dash).toBeGreaterThan(-1);
    expect(argv.slice(dash + 1)).toEqual(['stagednetworkpolicies.projectcalico.org', name]);
    expect(argv.slice(0, dash)).toEqual(
      expect.arrayContaining(['delete', '--ignore-not-found', '--namespace', 'shop']),
    );
  });
});
