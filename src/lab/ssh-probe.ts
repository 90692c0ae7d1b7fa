// "Does sshd answer?": a TCP connect that waits for the SSH identification line. Cheaper than a login and
// true only when a real sshd listens (a bare TCP accept is not enough). LAB ONLY.
import { connect } from 'node:net';

export function sshBanner(host: string, timeoutMs: number, port = 22): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let data = '';
    const done = (banner: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(banner);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
      const line = data.split('\r\n')[0] ?? '';
      if (data.includes('\n')) done(line.startsWith('SSH-') ? line.trim() : undefined);
    });
    socket.on('error', () => done(undefined));
    socket.on('close', () => done(undefined));
  });
}

/** Polls until sshd answers, the node's process ends, or the deadline passes. */
export async function waitForSsh(
  host: string,
  opts: { timeoutMs: number; stopped?: () => boolean },
): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    if (opts.stopped?.()) return false;
    if (await sshBanner(host, Math.min(1000, Math.max(50, deadline - Date.now())))) return true;
    await new Promise((r) => setTimeout(r, 15));
  }
  return false;
}
