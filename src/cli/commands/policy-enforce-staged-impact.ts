// The staged-impact gate's flags and output for `picocal policy enforce --live`: the decision (which
// flows the staged policies would deny that are allowed now, and when that refuses) is
// src/policy/live/staged-impact-gate.ts; here the flags are parsed, the flows read through kubectl and
// the verdict printed. `--staged-impact WINDOW` asks for the check explicitly (then no flow API is a
// refusal), `--skip-staged-impact` turns it off.
import { EXIT, UsageError } from '../../errors.js';
import { parseSince } from '../../observe/denied/since.js';
import { listFlows } from '../../observe/flows/flows-api.js';
import type { KubectlTarget } from '../../policy/live/kubectl.js';
import type { LoadedObject } from '../../policy/load/read-objects.js';
import { stagedImpactVerdict } from '../../policy/live/staged-impact-gate.js';
import { stagedImpactJson, stagedImpactTable } from '../../policy/live/staged-impact.js';
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

/** undefined: go on enforcing; a number: the exit code of the refusal (the reason is printed). */
export async function stagedImpactGate(
  ctx: CommandContext,
  target: KubectlTarget,
  chosen: readonly LoadedObject[],
  dryRun: boolean,
): Promise<number | undefined> {
  const asked = stringOption(ctx, 'staged-impact');
  const skip = flag(ctx, 'skip-staged-impact');
  if (skip && asked !== undefined)
    throw new UsageError('--staged-impact and --skip-staged-impact exclude each other');
  const verdict = await stagedImpactVerdict(
    { askedSeconds: asked === undefined ? undefined : parseSince(asked), skip, chosen },
    async (sinceSeconds) => (await listFlows(target, { sinceSeconds })).flows,
  );
  switch (verdict.kind) {
    case 'skipped':
      ctx.out.warn('staged impact not checked (--skip-staged-impact)');
      return undefined;
    case 'nothing-chosen':
      return undefined;
    case 'no-flow-api':
      ctx.out.warn(`staged impact not checked: ${verdict.message}`);
      return undefined;
    case 'clear':
      ctx.out.info(
        `staged impact: none of ${verdict.flows} flows of the last ${verdict.sinceSeconds}s would be denied`,
      );
      return undefined;
    case 'refused': {
      const { impacts, sinceSeconds } = verdict;
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
  }
}
