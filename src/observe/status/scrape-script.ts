// One fixed script fetches Felix's metrics on the node's own loopback, with whatever HTTP client the
// node has. The port and time limit are its only arguments, so nothing user-supplied is ever script text.

/** Exit codes the script uses beyond the body on stdout. */
export const SCRAPE_EXIT = { noAnswer: 7, noClient: 127 } as const;

export const SCRAPE_SCRIPT = `
url="http://127.0.0.1:$1/metrics"
if command -v curl >/dev/null 2>&1; then
  curl -fsS --max-time "$2" "$url" || exit ${SCRAPE_EXIT.noAnswer}
elif command -v wget >/dev/null 2>&1; then
  wget -q -T "$2" -O - "$url" || exit ${SCRAPE_EXIT.noAnswer}
elif command -v python3 >/dev/null 2>&1; then
  python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2])).read().decode())' "$url" "$2" || exit ${SCRAPE_EXIT.noAnswer}
else
  echo "no curl, wget or python3 on this node" >&2
  exit ${SCRAPE_EXIT.noClient}
fi
`;

export function scrapeArgv(port: number, limitSeconds: number): string[] {
  return ['sh', '-c', SCRAPE_SCRIPT, 'picocal-scrape', String(port), String(limitSeconds)];
}
