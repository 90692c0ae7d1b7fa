// Runs one host tool (ip, iptables, ssh-keygen, ...) with an argv array, never a shell string, and turns
// a failure into a LabError that names the command and its stderr. LAB ONLY.
import { execa } from 'execa';
import { LabError } from '../errors.js';

export interface HostCommandOptions {
  input?: string;
  /** Failures are returned, not thrown: for cleanup that must carry on. */
  allowFailure?: boolean;
  timeoutMs?: number;
}

export interface HostCommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function hostCommand(
  file: string,
  args: readonly string[],
  opts: HostCommandOptions = {},
): Promise<HostCommandResult> {
  const result = await execa(file, args, {
    reject: false,
    stdin: opts.input === undefined ? 'ignore' : 'pipe',
    ...(opts.input === undefined ? {} : { input: opts.input }),
    timeout: opts.timeoutMs ?? 30_000,
    stripFinalNewline: true,
  });
  const exitCode = typeof result.exitCode === 'number' ? result.exitCode : 1;
  const out = { exitCode, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
  if (exitCode !== 0 && !opts.allowFailure) {
    const why = out.stderr.trim() || result.shortMessage || `exit code ${exitCode}`;
    throw new LabError(`${file} ${args.join(' ')} failed: ${why}`, {
      hint: 'the lab host refused a network or process change; run `picocal lab down` to clean up and retry',
    });
  }
  return out;
}

/** `ip -batch -` runs many iproute2 commands in one process: one fork instead of dozens. */
export async function ipBatch(lines: readonly string[], opts: { force?: boolean; netns?: string } = {}) {
  if (lines.length === 0) return { exitCode: 0, stdout: '', stderr: '' };
  const args = [...(opts.netns ? ['-n', opts.netns] : []), ...(opts.force ? ['-force'] : []), '-batch', '-'];
  return hostCommand('ip', args, { input: lines.join('\n') + '\n', allowFailure: opts.force === true });
}
