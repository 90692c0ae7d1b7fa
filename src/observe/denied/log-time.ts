// When a logged packet happened, from the log's own time stamp: RFC 3339 (journalctl -o short-iso,
// rsyslog's high-precision format) or BSD syslog (`Nov 25 10:01:02`: node-local time and no year).
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Seconds since the epoch, or undefined when the stamp cannot be read. */
export function logEpoch(time: string, nodeNowEpoch: number, offsetMinutes: number): number | undefined {
  if (/^\d{4}-/.test(time)) {
    // short-iso without a zone is node-local time too.
    const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(time);
    const ms = Date.parse(zoned ? time.replace(/([+-]\d\d)(\d\d)$/, '$1:$2') : `${time}Z`);
    if (Number.isNaN(ms)) return undefined;
    return ms / 1000 - (zoned ? 0 : offsetMinutes * 60);
  }
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)$/.exec(time);
  const month = MONTHS.indexOf(m?.[1] ?? '');
  if (!m || month < 0) return undefined;
  const localNow = new Date((nodeNowEpoch + offsetMinutes * 60) * 1000);
  const at = (year: number) =>
    Date.UTC(year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) / 1000 - offsetMinutes * 60;
  const thisYear = at(localNow.getUTCFullYear());
  // A December line read in January belongs to last year.
  return thisYear > nodeNowEpoch + 86400 ? at(localNow.getUTCFullYear() - 1) : thisYear;
}
