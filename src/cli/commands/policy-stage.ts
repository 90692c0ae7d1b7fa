// `picocal policy stage FILE|DIR`: rewrite enforced policies as their Staged* kinds (Calico 3.30+),
// whose effect shows only in flow logs, so a policy set can be tried without blocking anything.
import { EXIT, UsageError } from '../../errors.js';
import { convertFiles, type Change, type Direction } from '../../policy/convert/index.js';
import { flag, stringOption, type Command, type CommandContext, type OptionSpec } from '../command.js';

function describeChange(c: Change): string {
  const who = `${c.from.kind} ${c.namespace ? `${c.namespace}/` : ''}${c.name}`;
  const what = c.action === 'converted' ? `${who} → ${c.to?.kind ?? '?'}` : `${who}: ${c.action}`;
  return `${c.file}:${c.line}: ${what}${c.note ? ` (${c.note})` : ''}`;
}

/** Every file's converted text as one YAML stream, each file headed by its name. */
function stdoutYaml(outputs: ReadonlyArray<{ file: string; text: string }>): string {
  return outputs
    .map((o) => `# Source: ${o.file}\n${o.text.replace(/^---\n/, '')}${o.text.endsWith('\n') ? '' : '\n'}`)
    .join('---\n');
}

/** The options `policy stage` and `policy enforce` share: where the converted files go. */
export const CONVERSION_OPTIONS: Record<string, OptionSpec> = {
  'in-place': { type: 'boolean', description: 'rewrite the files themselves (default: print to stdout)' },
  out: {
    type: 'string',
    arg: 'DIR',
    description: 'write the converted files under DIR (default: print to stdout)',
  },
  force: { type: 'boolean', description: 'replace files under --out that differ from the conversion' },
};

/** Shared by `policy stage` and `policy enforce`. */
export async function runConversion(ctx: CommandContext, direction: Direction): Promise<number> {
  if (ctx.positionals.length === 0) {
    throw new UsageError(
      `policy ${direction} needs at least one file or folder`,
      `e.g. 'picocal policy ${direction} policies/'`,
    );
  }
  const outDir = stringOption(ctx, 'out');
  const inPlace = flag(ctx, 'in-place');
  if (inPlace && outDir) throw new UsageError('--in-place and --out exclude each other: pick one');
  // Like `kubectl convert`: the result goes to stdout unless told where to write it.
  const toStdout = !inPlace && !outDir;
  const result = convertFiles({
    direction,
    paths: ctx.positionals,
    cwd: ctx.cwd,
    ...(outDir ? { outDir } : {}),
    force: flag(ctx, 'force'),
    write: !toStdout,
  });
  const yaml = toStdout ? stdoutYaml(result.outputs) : undefined;
  ctx.out.json({
    direction,
    changes: result.changes,
    written: result.written,
    ...(yaml !== undefined ? { yaml } : {}),
  });
  if (yaml !== undefined) {
    ctx.out.print(yaml.replace(/\n$/, ''));
    for (const c of result.changes) ctx.out.info(describeChange(c));
  } else {
    for (const c of result.changes) ctx.out.print(describeChange(c));
  }
  const converted = result.changes.filter((c) => c.action === 'converted').length;
  if (ctx.global.output === 'text') {
    ctx.out.info(
      converted === 0
        ? `nothing to ${direction}: no ${direction === 'stage' ? 'enforced' : 'staged'} policies in the input`
        : `${direction === 'stage' ? 'staged' : 'enforced'} ${converted} ${converted === 1 ? 'policy' : 'policies'}; ${
            toStdout
              ? 'printed to stdout (nothing written: --in-place rewrites the files, --out DIR writes a copy)'
              : `wrote ${result.written.join(', ') || 'no file'}`
          }`,
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
    'kept. The result is printed to stdout (a YAML stream, each file headed by `# Source:`); --in-place ' +
    'replaces the files atomically, --out DIR writes converted copies there.',
  options: CONVERSION_OPTIONS,
  examples: [
    'picocal policy stage policies/web.yaml > staged-web.yaml',
    'picocal policy stage policies/ --out staged/',
    'picocal policy stage policies/ --in-place',
  ],
  run: (ctx) => runConversion(ctx, 'stage'),
};
