// One pinned download: streamed through sha256 into a temporary file beside the target, with a size cap,
// then renamed into place only when the digest is the pin. Nothing is left behind on any failure.
// Redirects are followed by hand (GitHub's release URLs redirect to its object store): only to https, or to
// the same scheme and host as the request, at most MAX_REDIRECTS times; anything else is refused.
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { temporarySibling } from '../core/atomic-write.js';
import { PicocalError } from '../errors.js';

export class ArtifactError extends PicocalError {
  constructor(message: string, hint: string, cause?: unknown) {
    super('E_ARTIFACT', message, { hint, cause });
  }
}

export const MAX_REDIRECTS = 5;
/** Calico's manifests are a few MB; calicoctl about 70 MB. */
export const MANIFEST_MAX_BYTES = 32 * 1024 * 1024;
export const BINARY_MAX_BYTES = 256 * 1024 * 1024;

export interface DownloadOptions {
  fetchImpl?: typeof fetch | undefined;
  log?: ((line: string) => void) | undefined;
  /** Refuse a body larger than this (default BINARY_MAX_BYTES). */
  maxBytes?: number | undefined;
  /** Hint for a download that could not be made (what to do offline). */
  offlineHint?: string | undefined;
}

/** Downloads url to path (atomically) only when its sha256 is `expected`; nothing is written otherwise. */
export async function downloadVerified(
  url: string,
  expected: string,
  path: string,
  opts: DownloadOptions = {},
): Promise<void> {
  const name = basename(path);
  const maxBytes = opts.maxBytes ?? BINARY_MAX_BYTES;
  opts.log?.(`downloading ${url}`);
  const created = await mkdir(dirname(path), { recursive: true });
  const part = temporarySibling(path, 'part');
  let digest: string;
  try {
    digest = await streamTo(url, part, maxBytes, opts.fetchImpl ?? fetch);
  } catch (err) {
    await discard(part, created);
    if (err instanceof ArtifactError) throw err;
    throw new ArtifactError(
      `could not download ${url}: ${(err as Error).message}`,
      opts.offlineHint ??
        'check the network; offline, import a copy of the release folder with `picocal artifacts import DIR`',
      err,
    );
  }
  if (digest !== expected) {
    await discard(part, created);
    throw new ArtifactError(
      `downloaded ${name} has sha256 ${digest}, expected ${expected}: refusing it`,
      'the download was corrupted or altered; try again, or import verified files with `picocal artifacts import DIR`',
    );
  }
  await rename(part, path);
}

/** Removes the partial file and the (then empty) folders this download created: nothing is left behind. */
async function discard(part: string, created: string | undefined): Promise<void> {
  await rm(part, { force: true });
  if (!created) return;
  for (let d = dirname(part); d.length >= created.length; d = dirname(d)) {
    try {
      await rmdir(d);
    } catch {
      return; // not empty: someone else's files are there
    }
  }
}

async function streamTo(
  url: string,
  part: string,
  maxBytes: number,
  fetchImpl: typeof fetch,
): Promise<string> {
  const signal = AbortSignal.timeout(300_000);
  let current = new URL(url);
  const origin = new URL(url);
  for (let hop = 0; ; hop++) {
    const res = await fetchImpl(current.href, { signal, redirect: 'manual' });
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location');
      await res.body?.cancel();
      if (!location) throw new Error(`HTTP ${res.status} without a Location header`);
      const next = new URL(location, current);
      if (hop + 1 > MAX_REDIRECTS) throw tooMany(url);
      assertRedirectAllowed(origin, current, next);
      current = next;
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`HTTP ${res.status} ${res.statusText}`);
    }
    const length = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(length) && length > maxBytes) {
      await res.body?.cancel();
      throw tooBig(url, maxBytes);
    }
    if (!res.body) throw new Error('empty response');
    const hash = createHash('sha256');
    const file = await open(part, 'wx', 0o644);
    let total = 0;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        total += chunk.byteLength;
        if (total > maxBytes) throw tooBig(url, maxBytes);
        hash.update(chunk);
        await file.write(chunk);
      }
      await file.sync();
    } finally {
      await file.close();
    }
    return hash.digest('hex');
  }
}

/** https anywhere, or the request's own scheme and host; never a downgrade to plain http elsewhere. */
export function assertRedirectAllowed(origin: URL, from: URL, to: URL): void {
  const sameOrigin = to.protocol === origin.protocol && to.host === origin.host;
  const https = to.protocol === 'https:';
  if ((https && from.protocol === 'https:') || sameOrigin) return;
  throw new ArtifactError(
    `refusing the redirect from ${from.href} to ${to.href}: picocal follows redirects only to https (or within ${origin.protocol}//${origin.host})`,
    'download the file yourself from the official URL and import it with `picocal artifacts import DIR`',
  );
}

function tooBig(url: string, maxBytes: number): ArtifactError {
  return new ArtifactError(
    `refusing ${url}: larger than ${maxBytes} bytes, far more than the release file can be`,
    'the server sent something else than the release file; try again later or import the file with `picocal artifacts import DIR`',
  );
}

function tooMany(url: string): ArtifactError {
  return new ArtifactError(
    `refusing ${url}: more than ${MAX_REDIRECTS} redirects`,
    'download the file yourself and import it with `picocal artifacts import DIR`',
  );
}
