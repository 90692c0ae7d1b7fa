// calico-validate run in-process through the real CLI core, from the repository root, output captured.
import { Writable } from 'node:stream';
import { runCalicoValidate } from '../../src/cli/calico-validate.js';

const root = new URL('../..', import.meta.url).pathname;

export async function runValidate(
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (f: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, cb) {
        f(String(chunk));
        cb();
      },
    });
  const code = await runCalicoValidate(argv, {
    cwd: root,
    color: false,
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
  });
  return { code, stdout, stderr };
}
