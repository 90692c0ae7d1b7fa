// The LAB ONLY calicoctl stand-in is as strict as calicoctl about its datastore (review 1.8): without any
// datastore config `version` says "Unable to detect installed Calico version" and datastore commands fail
// with calicoctl's "invalid configuration" (projectcalico/calico #5260, #5455); a configured datastore it cannot
// read fails `version` with "Unable to retrieve Cluster Version or Type". Run with an empty HOME and no
// KUBECONFIG, as on a board where only /etc/calico/calicoctl.cfg could configure it (this machine has none).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireRelease } from '../../../src/catalog/versions.js';
import { calicoctlStandIn } from '../../../src/lab/calico-node/calicoctl-standin.js';

const dir = mkdtempSync(join(tmpdir(), 'picocal-cctl-'));
const script = join(dir, 'calicoctl');
writeFileSync(script, calicoctlStandIn(requireRelease('3.31.7')), { mode: 0o755 });
const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: join(dir, 'home') };

describe.skipIf(existsSync('/etc/calico/calicoctl.cfg'))(
  'calicoctl stand-in without a datastore config',
  () => {
    it.each([
      [['version'], {}, 0, /Client Version:\s+v3\.31\.7\n.*\nUnable to detect installed Calico version/s, ''],
      [['ipam', 'show'], {}, 1, /^$/, 'invalid configuration: no configuration has been provided'],
      [['get', 'nodes'], {}, 1, /^$/, 'invalid configuration: no configuration has been provided'],
      [
        ['version'],
        { KUBECONFIG: join(dir, 'missing') },
        1,
        /Client Version:\s+v3\.31\.7/,
        `Unable to retrieve Cluster Version or Type: stat ${join(dir, 'missing')}: no such file or directory`,
      ],
    ] as const)('%j %j → exit %d', (argv, extra, code, stdout, stderr) => {
      const r = spawnSync(script, [...argv], { encoding: 'utf8', env: { ...env, ...extra } });
      expect(r.status).toBe(code);
      expect(r.stdout).toMatch(stdout);
      expect(r.stderr).toContain(stderr);
    });
  },
);
