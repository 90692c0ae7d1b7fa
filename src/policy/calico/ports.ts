// Calico port lists: numbers, "start:end" ranges (strings) and named ports resolved on an endpoint.
import type { PathSegment } from '../../yaml/source-map.js';
import type { Pod } from '../model/cluster.js';
import type { Problems } from '../load/problems.js';
import type { LoadedObject } from '../load/read-objects.js';

export type PortSpec = { kind: 'range'; start: number; end: number } | { kind: 'named'; name: string };

export function compilePorts(
  obj: LoadedObject,
  path: PathSegment[],
  value: unknown,
  problems: Problems,
): PortSpec[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    problems.add(obj, path, 'ports must be a list (80, "1000:2000", "http")');
    return undefined;
  }
  const out: PortSpec[] = [];
  value.forEach((v: unknown, i) => {
    const at = [...path, i];
    if (typeof v === 'number') {
      if (Number.isInteger(v) && v >= 0 && v <= 65535) out.push({ kind: 'range', start: v, end: v });
      else problems.add(obj, at, `${v} is not a port (0-65535)`);
      return;
    }
    if (typeof v !== 'string') {
      problems.add(obj, at, 'a port is a number, a "start:end" range or a port name');
      return;
    }
    const m = /^(\d+)(?::(\d+))?$/.exec(v);
    if (m) {
      const start = Number(m[1]);
      const end = m[2] === undefined ? start : Number(m[2]);
      if (start > 65535 || end > 65535 || end < start)
        problems.add(obj, at, `'${v}' is not a valid port range`);
      else out.push({ kind: 'range', start, end });
      return;
    }
    if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i.test(v)) out.push({ kind: 'named', name: v });
    else problems.add(obj, at, `'${v}' is not a port, range or port name`);
  });
  return out;
}

/** Does `port` (with `protocol`) fall in the list? Named ports are looked up on `endpoint`. */
export function portInList(
  list: readonly PortSpec[],
  port: number,
  protocol: number,
  endpoint: Pod | undefined,
): boolean {
  for (const p of list) {
    if (p.kind === 'range') {
      if (port >= p.start && port <= p.end) return true;
    } else if (
      endpoint?.ports.some((np) => np.name === p.name && np.protocol === protocol && np.port === port)
    ) {
      return true;
    }
  }
  return false;
}

export function portPoints(list: readonly PortSpec[] | undefined, into: number[]): void {
  for (const p of list ?? []) if (p.kind === 'range') into.push(p.start, p.end + 1);
}
