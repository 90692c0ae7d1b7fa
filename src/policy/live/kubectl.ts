// The one way picocal talks to a live cluster for policy work: the user's own kubectl, with their
// kubeconfig and context, as an argv array (never a shell string). Failures that retrying cannot fix
// (no kubectl, cluster unreachable, forbidden) become one KubectlError with a hint.
import { execa } from 'execa';
import { EXIT, PicocalError, type ErrorDetails } from '../../errors.js';

export class KubectlError extends PicocalError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('E_KUBECTL', message, details, EXIT.failed);
  }
}

export interface KubectlTarget {
  /** `--kubeconfig FILE`; unset means KUBECONFIG or ~/.kube/config, as kubectl itself decides. */
  kubeconfig?: string | undefined;
  context?: string | undefined;
  /** The kubectl binary (tests may point at another); default `kubectl` on PATH. */
  binary?: string | undefined;
  cwd?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface KubectlResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const TIMEOUT_MS = 60_000;

export function targetArgs(t: KubectlTarget): string[] {
  return [
    ...(t.kubeconfig ? ['--kubeconfig', t.kubeconfig] : []),
    ...(t.context ? ['--context', t.context] : []),
  ];
}

/** Runs kubectl; a non-zero exit is returned, not thrown, so callers can tell "kind not served" apart. */
export async function kubectl(t: KubectlTarget, args: string[], input?: string): Promise<KubectlResult> {
  const binary = t.binary ?? 'kubectl';
  try {
    const r = await execa(binary, [...targetArgs(t), ...args], {
      reject: false,
      timeout: TIMEOUT_MS,
      ...(t.cwd ? { cwd: t.cwd } : {}),
      ...(t.signal ? { cancelSignal: t.signal } : {}),
      ...(input !== undefined ? { input } : {}),
    });
    if (r.failed && r.exitCode === undefined) {
      const missing = (r as { code?: string }).code === 'ENOENT';
      throw new KubectlError(
        missing ? `${binary} was not found` : `kubectl ${args.join(' ')} did not run: ${r.shortMessage}`,
        {
          hint: missing
            ? 'install kubectl (https://kubernetes.io/docs/tasks/tools/) or drop --live to read files'
            : 'check that the cluster answers (kubectl cluster-info)',
          cause: r,
        },
      );
    }
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  } catch (err) {
    if (err instanceof KubectlError) throw err;
    throw new KubectlError(`kubectl ${args.join(' ')} did not run: ${(err as Error).message}`, {
      hint: 'install kubectl or drop --live to read files',
      cause: err,
    });
  }
}

/** The error for a kubectl call that failed for a reason other than the ones the caller handles. */
export function kubectlFailure(args: string[], r: KubectlResult, t: KubectlTarget): KubectlError {
  const first = r.stderr.trim().split('\n').slice(-1)[0] ?? `exit ${r.exitCode}`;
  const where = t.context ? ` (context ${t.context})` : '';
  const unreachable =
    /connection refused|was refused|no such host|i\/o timeout|Unable to connect|dial tcp/i.test(r.stderr);
  const noConfig =
    /no configuration has been provided|context was not found|context .* does not exist|cannot find/i.test(
      r.stderr,
    );
  return new KubectlError(`kubectl ${args.join(' ')} failed${where}: ${first}`, {
    hint: unreachable
      ? 'the cluster is unreachable: check the kubeconfig server address and that the API server is up (kubectl cluster-info)'
      : noConfig
        ? 'pass --kubeconfig FILE (and --context NAME), or set KUBECONFIG'
        : /forbidden/i.test(r.stderr)
          ? 'the kubeconfig user lacks permission: it needs get/list on pods, namespaces and the policy kinds'
          : 'run the same kubectl command yourself to see the full error',
  });
}
