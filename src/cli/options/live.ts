// The flags every `--live` command shares, and the kubectl target they describe.
import { resolve } from 'node:path';
import type { CommandContext, OptionSpec } from '../command.js';
import type { KubectlTarget } from '../../policy/live/kubectl.js';

export const LIVE_OPTIONS: Record<string, OptionSpec> = {
  live: {
    type: 'boolean',
    description: 'read the cluster and its policies with kubectl (current kubeconfig) instead of files',
  },
  kubeconfig: {
    type: 'string',
    arg: 'FILE',
    description: 'with --live: the kubeconfig kubectl uses (default: KUBECONFIG or ~/.kube/config)',
  },
  context: { type: 'string', arg: 'NAME', description: 'with --live: the kubeconfig context' },
};

export function liveTarget(ctx: CommandContext): KubectlTarget {
  const kubeconfig = ctx.options['kubeconfig'];
  const context = ctx.options['context'];
  return {
    kubeconfig: typeof kubeconfig === 'string' ? resolve(ctx.cwd, kubeconfig) : undefined,
    context: typeof context === 'string' ? context : undefined,
    cwd: ctx.cwd,
    signal: ctx.signal,
  };
}
