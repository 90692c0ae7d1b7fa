// The staged-impact gate of `picocal policy enforce --live`: before the staged policies are enforced,
// ask Goldmane which flows of the window they would deny that are allowed now, and refuse (exit 1,
// with a table of them) when there are any. On by default wherever the cluster has Goldmane: enforcing
// a policy that cuts traffic already flowing is the outage staged policies exist to prevent, the policy
// tests only cover the flows someone wrote down, and the records cost nothing to read. A cluster without
// Goldmane is enforced as before, with a warning; `--staged-impact WINDOW` asks for the check
// explicitly (then no flow API is a refusal), `--skip-staged-impact` turns it off.
import { EXIT, UsageError } from '../../errors.js';
import { listFlows } from '../../observe/flows/flows-api.js';
import { FlowsApiAbsentError } from '../../observe/flows/flows-error.js';
import {
  stagedImpact,
  stagedImpactJson,
  stagedImpactTable,
  type StagedRef,
} from '../../observe/flows/staged-impact.js';
import { parseSince } from '../../observe/flows/flow-options.js';
import type { KubectlTarget } from '../../policy/live/kubectl.js';
import type { LoadedObject } from '../../policy/load/read-objects.js';
import { flag, stringOption, type CommandContext, type OptionSpec } from '../command.js';

export const STAGED_IMPACT_OPTIONS: Record<string, OptionSpec> = {
  'staged-impact': {
    type: 'string',
    arg: 'AGE',
    description:
      'with --live: refuse when Goldmane saw flows in this window that the staged policies would deny (default: on, 1h)',
  },
  'skip-staged-impact': { type: 'boolean', description: 'with --live: do not check the staged impact' },
};

const DEFAULT_WINDOW = '1h';

function stagedRef(o: LoadedObject): StagedRef {
  const meta = (o.value['metadata'] ?? {}) as { name?: string; namespace?: string };
  const spec = (o.value['spec'] ?? {}) as { tier?: string };
  return {
    kind: o.kind,
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    tier: spec.tier ?? 'default',
  };
}

/** undefined: go on enforcing; a number: the exit code of the refusal (the reason is printed). */
export async function stagedImpactGate(
  ctx: CommandContext,
  target: KubectlTarget,
  chosen: readonly LoadedObject[],
  dryRun: boolean,
): Promise<number | undefined> {
  const asked = stringOption(ctx, 'staged-impact');
  if (flag(ctx, 'skip-staged-impact')) {
    if (asked !== undefined)
      throw new UsageError('--staged-impact and --skip-staged-impact exclude each other');
    ctx.out.warn('staged impact not checked (--skip-staged-impact)');
    return undefined;
  }
  if (!chosen.length) return undefined;
  const sinceSeconds = parseSince(asked ?? DEFAULT_WINDOW);
  let flows;
  try {
    flows = (await listFlows(target, { sinceSeconds })).flows;
  } catch (e) {
    if (asked === undefined && e instanceof FlowsApiAbsentError) {
      ctx.out.warn(`staged impact not checked: ${e.message}`);
      return undefined;
    }
    throw e;
  }
  const impacts = stagedImpact(flows, chosen.map(stagedRef));
  if (!impacts.length) {
    ctx.out.info(`staged impact: none of ${flows.length} flows of the last ${sinceSeconds}s would be denied`);
    return undefined;
  }
  ctx.out.json({
    live: true,
    dryRun,
    enforced: false,
    refused: `staged impact: ${impacts.length} flows allowed now would be denied`,
    stagedImpact: stagedImpactJson(impacts),
    steps: [],
  });
  for (const line of stagedImpactTable(impacts)) ctx.out.print(line);
  ctx.out.info(
    `refusing to enforce: ${impacts.length} flows of the last ${sinceSeconds}s are allowed now and would be denied ` +
      'with the staged policies enforced (above); fix the staged policies, or --skip-staged-impact',
  );
  return EXIT.failed;
}
