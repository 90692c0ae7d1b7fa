// LAB ONLY. The argv that starts one of the lab's stand-in processes (API server, calico-node) with
// the same Node that runs picocal: the compiled `.js` beside this file after a build, or the `.ts`
// source through ts-loader.mjs when picocal runs from src/ (tests).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `entry` is relative to this directory, without extension, e.g. `./server-main`. */
export function entryArgv(entry: string, args: string[]): string[] {
  const self = fileURLToPath(import.meta.url);
  const js = fileURLToPath(new URL(`${entry}.js`, import.meta.url));
  if (self.endsWith('.js') && existsSync(js)) return [process.execPath, js, ...args];
  const ts = fileURLToPath(new URL(`${entry}.ts`, import.meta.url));
  const loader = fileURLToPath(new URL('./ts-loader.mjs', import.meta.url));
  return [process.execPath, '--import', loader, ts, ...args];
}
