// `--since 10m`: how far back `picocal policy denied` reads the kernel log.
import { UsageError } from '../../errors.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds in `30s`, `10m`, `2h`, `1d`; a UsageError (exit 2) for anything else. */
export function parseSince(text: string): number {
  const m = /^(\d{1,6})([smhd])$/.exec(text.trim());
  const n = m?.[1] !== undefined ? Number(m[1]) : 0;
  const unit = m?.[2] !== undefined ? UNIT_SECONDS[m[2]] : undefined;
  if (!m || unit === undefined || n < 1) {
    throw new UsageError(
      `--since must be a positive whole number with a unit s, m, h or d, not '${text}'`,
      'e.g. --since 30s, --since 10m, --since 2h',
    );
  }
  return n * unit;
}
