// Where `picocal policy denied` reads denied traffic from. Goldmane, where the cluster has it: every
// flow the dataplane denied, with the policy that denied it, through the user's kubectl. Otherwise the
// kernel log lines Calico Log rules write, collected from each board over SSH (src/observe/denied).
import { UsageError } from '../../errors.js';
import type { KubectlTarget } from '../../policy/live/kubectl.js';
import { FlowsApiAbsentError } from '../../policy/goldmane/flows-error.js';
import { listFlows, type FlowsSource } from './flows-api.js';

export const DENIED_SOURCES = ['auto', 'goldmane', 'kernel-log'] as const;
export type DeniedSource = (typeof DENIED_SOURCES)[number];

export function parseDeniedSource(text: string | undefined): DeniedSource {
  const v = text ?? 'auto';
  if (!(DENIED_SOURCES as readonly string[]).includes(v))
    throw new UsageError(`--source must be one of ${DENIED_SOURCES.join(', ')}, not '${v}'`);
  return v as DeniedSource;
}

export type DeniedFromFlows =
  | { kind: 'goldmane'; read: FlowsSource }
  /** Fall back to the kernel log; `why` says why Goldmane was not used. */
  | { kind: 'kernel-log'; why: string };

/** Goldmane's denied flows of the window, or why the kernel log is the source. */
export async function deniedFromFlows(
  source: DeniedSource,
  target: KubectlTarget,
  sinceSeconds: number,
  /** -i INV given: with auto, Goldmane only when --kubeconfig or --context says which cluster it is. */
  inventory: boolean,
): Promise<DeniedFromFlows> {
  if (source === 'kernel-log') return { kind: 'kernel-log', why: '--source kernel-log' };
  if (source === 'auto' && inventory && !target.kubeconfig && !target.context)
    return {
      kind: 'kernel-log',
      why: 'the inventory names the boards; pass --kubeconfig or --context to read Goldmane instead',
    };
  try {
    return { kind: 'goldmane', read: await listFlows(target, { sinceSeconds, actions: ['Deny'] }) };
  } catch (e) {
    if (source === 'auto' && inventory && e instanceof FlowsApiAbsentError)
      return { kind: 'kernel-log', why: e.message };
    if (e instanceof FlowsApiAbsentError)
      throw new FlowsApiAbsentError(e.message, {
        hint: 'read the kernel log instead: picocal policy denied -i INVENTORY (after picocal policy log-rules)',
      });
    throw e;
  }
}
