// LAB ONLY: part of the calico-node stand-in. Felix's health report as its /liveness and /readiness
// endpoints print it (libcalico-go's health aggregator): 200 and a text table of components when
// live/ready, 503 and the same table when not. The component names are Felix's; the `lab-stand-in`
// row is this stand-in's own and names the Calico version it pretends to be.
import type { NodeFaults } from '../lab-state.js';

export interface HealthState {
  live: boolean;
  ready: boolean;
  detail: string;
}

export function versionMatches(failVersions: string[] | undefined, version: string): boolean {
  const bare = version.replace(/^v/, '');
  return (failVersions ?? []).some((v) => v.replace(/^v/, '') === bare);
}

export function computeHealth(faults: NodeFaults, version: string, uptimeSeconds: number): HealthState {
  if (faults.calicoCrash)
    return { live: false, ready: false, detail: 'felix stopped reporting liveness (lab fault calico-crash)' };
  if (faults.calicoUnready)
    return { live: true, ready: false, detail: 'dataplane not in sync (lab fault calico-unready)' };
  if (versionMatches(faults.failVersions, version)) {
    return {
      live: true,
      ready: false,
      detail: `version ${version} fails on this node (lab fault failVersions)`,
    };
  }
  const wait = faults.slowStartSeconds ?? 0;
  if (uptimeSeconds < wait)
    return { live: true, ready: false, detail: `starting (lab fault slow-start ${wait}s)` };
  return { live: true, ready: true, detail: '' };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)) + 2);
  const line = `+${widths.map((w) => '-'.repeat(w)).join('+')}+`;
  const fmt = (r: string[], center: boolean): string =>
    `|${r
      .map((c, i) => {
        const pad = widths[i]! - c.length;
        return center
          ? ' '.repeat(Math.floor(pad / 2)) + c + ' '.repeat(Math.ceil(pad / 2))
          : ` ${c}${' '.repeat(pad - 1)}`;
      })
      .join('|')}|`;
  return (
    [line, fmt(rows[0]!, true), line, ...rows.slice(1).map((r) => fmt(r, false)), line].join('\n') + '\n'
  );
}

export function healthTable(h: HealthState, version: string): string {
  const live = h.live ? 'reporting live' : 'reporting non-live';
  const ready = h.ready ? 'reporting ready' : 'reporting non-ready';
  return table([
    ['COMPONENT', 'TIMEOUT', 'LIVENESS', 'READINESS', 'DETAIL'],
    ['async_calc_graph', '20s', live, ready, ''],
    ['felix-startup', '0s', live, ready, h.ready ? '' : h.detail],
    ['int_dataplane', '1m30s', live, ready, ''],
    ['lab-stand-in', '-', live, ready, `picocal lab calico-node stand-in ${version}`],
  ]);
}
