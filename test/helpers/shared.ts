// The project's reference data (real Calico manifests and CRD schemas) lives in ../shared beside the
// repository: present in CI and on developer machines of this workplace, absent from a user's clone.
// Outside CI a missing folder skips the tests that need it, with a message; in CI it is a failure.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const SHARED_CALICO = resolve(process.cwd(), '../shared/calico');

export function sharedCalicoAvailable(): boolean {
  if (existsSync(SHARED_CALICO)) return true;
  if (process.env['CI'])
    throw new Error(`${SHARED_CALICO} is missing: CI must provide ../shared beside the clone`);
  console.warn(`skipping: ${SHARED_CALICO} not found (reference Calico manifests and CRD schemas)`);
  return false;
}
