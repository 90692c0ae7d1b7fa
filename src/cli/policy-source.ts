// Where an offline policy command gets its cluster and policies: files (--cluster, --policies), or with
// --live the cluster itself through the user's kubectl (the same snapshot calico-validate --live reads).
import { UsageError } from '../errors.js';
import { liveTarget } from './options/live.js';
import { buildPolicySet, type PolicySet } from '../policy/load/policy-set.js';
import { flag, stringOption, type CommandContext } from './command.js';

/** The policy set of the live cluster; warnings (kinds not served) on stderr. */
export async function livePolicySet(ctx: CommandContext): Promise<PolicySet> {
  // kubectl (execa) is loaded only when the cluster is read.
  const { fetchLive } = await import('../policy/live/fetch.js');
  const snapshot = await fetchLive(liveTarget(ctx));
  for (const w of snapshot.warnings) ctx.out.warn(w);
  return buildPolicySet(snapshot.objects);
}

/**
 * Whether this run reads the cluster: --live, never together with file inputs; --kubeconfig and
 * --context only with it.
 */
export function wantsLive(ctx: CommandContext, filePaths: readonly string[]): boolean {
  if (flag(ctx, 'live')) {
    if (filePaths.length)
      throw new UsageError(
        '--live reads the cluster: it cannot be combined with --cluster or --policies',
        'drop --live to evaluate files, or drop the files to evaluate the cluster',
      );
    return true;
  }
  for (const f of ['kubeconfig', 'context'])
    if (stringOption(ctx, f) !== undefined) throw new UsageError(`--${f} needs --live`);
  return false;
}
