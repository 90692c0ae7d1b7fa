// `picocal policy stage FILE|DIR`: rewrite enforced policies as their Staged* kinds (Calico 3.30+),
// whose effect shows only in flow logs, so a policy set can be tried without blocking anything.
import { EXIT, UsageError } from '../../errors.js';
import { convertFiles, type Change, type Direction } from '../../policy/convert/index.js';
import { flag, stringOption, type Command, type CommandContext } from '../command.js';

function describeChange(c: Change): string {
  const who = `${c.from.kind} ${c.namespace ? `${c.namespace}/` : ''}${c.name}`;
  const what = c.action === 'converted' ? `${who} → ${c.to?.kind ?? '?'}` : `${who}: ${c.action}`;
  return `${c.file}:${c.line}: ${what}${c.note ? ` (${c.note})` : ''}`;
}

/** Shared by `policy stage` and `policy enforce`. */
export async function runConversion(ctx: CommandContext, direction: Direction): Promise<number> {
  if (ctx.positionals.length === 0) {
    throw new UsageError(
      `policy ${direction} needs at least one file or folder`,
      `e.g. 'picocal policy ${direction} policies/'`,
    );
  }
  const outDir = stringOption(ctx, 'out');
  const result = convertFiles({
    direction,
    paths: ctx.positionals,
    cwd: ctx.cwd,
    ...(outDir ? { outDir } : {}),
    force: flag(ctx, 'force'),
  });
  ctx.out.json({ direction, changes: result.changes, written: result.written });
  for (const c of result.changes) ctx.out.print(describeChange(c));
  const converted = result.changes.filter((c) => c.action === 'converted').length;
  if (ctx.global.output === 'text') {
    ctx.out.info(
      converted === 0
        ? `nothing to ${direction}: no ${direction === 'stage' ? 'enforced' : 'staged'} policies in the input`
        : `${direction === 'stage' ? 'staged' : 'enforced'} ${converted} ${converted === 1 ? 'policy' : 'policies'}; wrote ${result.written.length} ${result.written.length === 1 ? 'file' : 'files'}`,
    );
    if (direction === 'enforce' && result.changes.some((c) => c.action === 'removed')) {
      ctx.out.info(
        'note: policies removed from files stay in a cluster until deleted there (kubectl delete)',
      );
    }
  }
  return EXIT.ok;
}

export const policyStage: Command = {
  name: 'policy stage',
  summary: 'convert enforced policies to Staged* kinds (visible in flow logs, not enforced)',
  args: 'FILE|DIR...',
  description:
    'NetworkPolicy → StagedNetworkPolicy, GlobalNetworkPolicy → StagedGlobalNetworkPolicy, networking.k8s.io ' +
    'NetworkPolicy → StagedKubernetesNetworkPolicy, with stagedAction Set. Other documents and comments are ' +
    'kept; files are replaced atomically, or written under --out.',
  options: {
    out: {
      type: 'string',
      arg: 'DIR',
      description: 'write the converted files under DIR instead of in place',
    },
    force: { type: 'boolean', description: 'replace files under --out that differ from the conversion' },
  },
  examples: ['picocal policy stage policies/ --out staged/'],
  run: (ctx) => runConversion(ctx, 'stage'),
};
