// One fixed script per node reads the `calico-packet` lines of its kernel log: the journal when the node
// keeps one, else the syslog file. Its arguments are numbers only (seconds back, lines at most). The first
// lines say the node's clock and where the lines came from, so times are judged by the node's clock.
// "Keeps a journal" means journald runs (its socket exists): journal files alone may be stale copies.

export const COLLECT_SCRIPT = `
echo "picocal-now $(date +%s) $(date +%z)"
if command -v journalctl >/dev/null 2>&1 && [ -S /run/systemd/journal/socket ]; then
  echo "picocal-source journalctl"
  journalctl -k --no-pager -o short-iso --since "-$1s" 2>/dev/null | grep -F calico-packet | tail -n "$2"
  exit 0
fi
for f in /var/log/kern.log /var/log/messages; do
  if [ -r "$f" ]; then
    echo "picocal-source $f"
    tail -n 200000 "$f" | grep -F calico-packet | tail -n "$2"
    exit 0
  fi
done
echo "picocal-source none"
`;

export function collectArgv(sinceSeconds: number, maxLines: number, sudo: boolean): string[] {
  const argv = ['sh', '-c', COLLECT_SCRIPT, 'picocal-denied', String(sinceSeconds), String(maxLines)];
  // journalctl -k and kern.log are readable by root (and adm/systemd-journal) only.
  return sudo ? ['sudo', '-n', ...argv] : argv;
}

export interface CollectOutput {
  /** The node's clock, seconds since the epoch, and its UTC offset in minutes. */
  nowEpoch: number | undefined;
  offsetMinutes: number;
  source: string;
  text: string;
}

export function parseCollectOutput(stdout: string): CollectOutput {
  const lines = stdout.split('\n');
  let nowEpoch: number | undefined;
  let offsetMinutes = 0;
  let source = 'none';
  const rest: string[] = [];
  for (const l of lines) {
    const now = /^picocal-now (\d+) ([+-])(\d\d)(\d\d)$/.exec(l);
    const src = /^picocal-source (.+)$/.exec(l);
    if (now?.[1] && now[3] && now[4]) {
      nowEpoch = Number(now[1]);
      offsetMinutes = (now[2] === '-' ? -1 : 1) * (Number(now[3]) * 60 + Number(now[4]));
    } else if (src?.[1]) source = src[1];
    else rest.push(l);
  }
  return { nowEpoch, offsetMinutes, source, text: rest.join('\n') };
}
