// Felix's /liveness and /readiness answers: 200 with a text table (COMPONENT, TIMEOUT, LIVENESS,
// READINESS, DETAIL), 204 with no body, 503 when not live/ready. The table tells which component is the
// reason, which is what a person needs in the PROBLEMS column.
import type { Check } from './health-types.js';

export interface HttpProbe {
  tool: string;
  /** 0 when nothing answered. */
  status: number;
  body: string;
}

/** `component: detail` for each table row that reports non-live/non-ready. */
export function failingComponents(body: string, column: 'LIVENESS' | 'READINESS'): string[] {
  const rows = body
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  const header = rows.find((r) => r.includes('COMPONENT'));
  if (!header) return [];
  const col = header.indexOf(column);
  const comp = header.indexOf('COMPONENT');
  const detail = header.indexOf('DETAIL');
  return rows
    .filter((r) => r !== header && /non-/.test(r[col] ?? ''))
    .map((r) => {
      const d = r[detail] ?? '';
      return d ? `${r[comp] ?? '?'}: ${d}` : (r[comp] ?? '?');
    });
}

export function felixCheck(
  kind: 'readiness' | 'liveness',
  probe: HttpProbe | undefined,
  port: number,
): Check {
  const name = `felix-${kind}`;
  const url = `127.0.0.1:${port}/${kind}`;
  if (!probe) return { name, ok: false, detail: 'probe did not run' };
  if (probe.tool === 'none') {
    return { name, ok: false, detail: `cannot query ${url}: the node has none of curl, wget, python3` };
  }
  if (probe.status === 200 || probe.status === 204)
    return { name, ok: true, detail: `${probe.status} from ${url}` };
  if (probe.status === 0) {
    return { name, ok: false, detail: `no answer on ${url} (calico-node not running?)` };
  }
  const why = failingComponents(probe.body, kind === 'readiness' ? 'READINESS' : 'LIVENESS');
  const state = kind === 'readiness' ? 'not ready' : 'not live';
  // The components in brackets, joined with ', ': the PROBLEMS column already separates problems with '; ',
  // and a component must not read as a problem of its own.
  return { name, ok: false, detail: `${state} (${probe.status})${why.length ? ` [${why.join(', ')}]` : ''}` };
}
