// What one scrape of a node's Felix says, in the terms `picocal status` shows: endpoints and policies
// programmed, whether Felix is in sync with the datastore, dataplane failures, and how long an apply takes.
import { valueOf, type Exposition } from './prometheus-text.js';

/** `felix_resync_state` 3: Felix has the whole datastore and programs the dataplane from it. */
export const IN_SYNC = 3;

export interface FelixStatus {
  endpoints: number | null;
  policies: number | null;
  resyncState: number | null;
  inSync: boolean;
  dataplaneFailures: number | null;
  /** Mean seconds per dataplane apply since Felix started (a summary's sum/count), or the plain value. */
  lastApplySeconds: number | null;
  problems: string[];
}

const APPLY = 'felix_int_dataplane_apply_time_seconds';

function applySeconds(e: Exposition): number | null {
  const sum = valueOf(e, `${APPLY}_sum`);
  const count = valueOf(e, `${APPLY}_count`);
  if (sum !== undefined && count !== undefined) return count > 0 ? sum / count : null;
  // A gauge of that name (or a summary without _sum/_count): the unlabelled sample, or the median.
  const plain = e.samples.find(
    (s) => s.name === APPLY && (s.labels['quantile'] === undefined || s.labels['quantile'] === '0.5'),
  );
  return plain && Number.isFinite(plain.value) ? plain.value : null;
}

export function felixStatus(e: Exposition): FelixStatus {
  const n = (name: string) => valueOf(e, name) ?? null;
  const resyncState = n('felix_resync_state');
  const inSync = resyncState === IN_SYNC;
  const problems: string[] = [];
  if (!e.samples.some((s) => s.name.startsWith('felix_')))
    problems.push('the metrics endpoint serves no felix_* metrics: is this Felix?');
  else if (resyncState === null) problems.push('felix_resync_state missing');
  else if (!inSync) problems.push(`Felix not in sync with the datastore (felix_resync_state ${resyncState})`);
  return {
    endpoints: n('felix_active_local_endpoints'),
    policies: n('felix_active_local_policies'),
    resyncState,
    inSync,
    dataplaneFailures: n('felix_int_dataplane_failures'),
    lastApplySeconds: applySeconds(e),
    problems,
  };
}
