// Opt-in oracle: the real calicoctl v3.32.1 (`calicoctl validate`, which runs libcalico-go's validator
// offline) must agree with every row of the table: it refuses what picocal refuses and accepts what
// picocal accepts. Like the real-dataplane tier (test/lab/real-tier.test.ts) it runs only with
// PICOCAL_REAL_TIER=1 and the tier's calicoctl in /var/cache/picocal/real-tier (PICOCAL_REAL_TIER_DIR).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { ACCEPTED, REFUSED, type Obj } from './api-validation-cases.js';

const CACHE = process.env['PICOCAL_REAL_TIER_DIR'] ?? '/var/cache/picocal/real-tier';
const CALICOCTL = join(CACHE, 'calico-v3.32.1', 'calicoctl');
const dir = mkdtempSync(join(tmpdir(), 'picocal-calicoctl-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Rules only the CRD's CEL validations hold (the Kubernetes API server evaluates them on admission).
 * calicoctl's validator runs CRD validation only when a CRD registry is loaded, and calicoctl loads
 * none (libcalico-go/lib/validator/v3/crd_validation.go#L39-L42 at v3.32.1), so it accepts these.
 */
const CEL_ONLY = new Set(['tier-fixed-default-action']);

let n = 0;
function calicoctlValidate(o: Obj): { ok: boolean; output: string } {
  const file = join(dir, `object-${n++}.yaml`);
  writeFileSync(file, dump(o));
  const r = spawnSync(CALICOCTL, ['validate', '-f', file], { encoding: 'utf8', timeout: 30_000 });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

const skip = process.env['PICOCAL_REAL_TIER'] !== '1' || !existsSync(CALICOCTL);

describe.skipIf(skip)('the real calicoctl v3.32.1 agrees with the table', () => {
  it.each(REFUSED)('refuses what breaks %s at %s (%s)', (id, _field, _upstream, o) => {
    const r = calicoctlValidate(o);
    expect(r.ok, r.output).toBe(CEL_ONLY.has(id));
  });

  it.each(ACCEPTED)('accepts %s', (_upstream, o) => {
    const r = calicoctlValidate(o);
    expect(r.ok, r.output).toBe(true);
  });
});
