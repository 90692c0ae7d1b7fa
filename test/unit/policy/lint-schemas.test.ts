// The Calico schemas picocal ships are exactly what the extraction script takes from the real CRDs.
// The CRDs live outside the repository (../shared); without them there is nothing to compare.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CRD_DIR,
  extractCalicoSchemas,
  POLICY_CRDS,
} from '../../../scripts/extract-calico-schemas.mjs';

const CHECKED_IN = 'src/policy/lint/schemas/calico-v3.json';

describe('checked-in Calico schemas', () => {
  it.skipIf(!existsSync(DEFAULT_CRD_DIR))(
    'equal what scripts/extract-calico-schemas.mjs extracts from the CRDs',
    () => {
      expect(JSON.parse(readFileSync(CHECKED_IN, 'utf8'))).toEqual(extractCalicoSchemas());
    },
  );

  it('cover every policy-related kind with its CRD scope', () => {
    const doc = JSON.parse(readFileSync(CHECKED_IN, 'utf8')) as { kinds: Record<string, { scope: string }> };
    expect(Object.keys(doc.kinds).sort()).toEqual(Object.keys(POLICY_CRDS).sort());
    expect(doc.kinds['NetworkPolicy']?.scope).toBe('Namespaced');
    expect(doc.kinds['GlobalNetworkPolicy']?.scope).toBe('Cluster');
  });
});
