// `picocal policy log-rules FILE|DIR...`: put Calico Log rules in front of the denies so denied packets
// reach the kernel log (prefix calico-packet), or take exactly those rules out again with --remove.
import { EXIT, UsageError } from '../../errors.js';
import { updateLogRules } from '../../policy/log-rules/log-rules-files.js';
import { table } from '../../core/table.js';
import { flag, type Command } from '../command.js';

export const policyLogRules: Command = {
  name: 'policy log-rules',
  summary: 'add (or --remove) Calico Log rules before the denies, so denied packets are logged',
  args: 'FILE|DIR...',
  description:
    'In projectcalico.org/v3 NetworkPolicy and GlobalNetworkPolicy: a Log rule with the same match before\n' +
    'each Deny rule, and a match-all Log rule in each direction a policy selects but has no rules for\n' +
    '(a default deny, where the end of the tier denies). Inserted rules carry the annotation\n' +
    'picocal.io/log-rule; --remove takes out only those. Files are rewritten in place; apply them to the\n' +
    'cluster afterwards. The log lines: picocal policy denied, or journalctl -k | grep calico-packet.',
  options: {
    remove: { type: 'boolean', description: 'remove the Log rules picocal added' },
    'dry-run': { type: 'boolean', description: 'show the changes, write nothing' },
  },
  examples: ['picocal policy log-rules policies/', 'picocal policy log-rules policies/ --remove'],
  async run(ctx) {
    if (!ctx.positionals.length)
      throw new UsageError(
        'policy log-rules needs at least one file or folder',
        "e.g. 'picocal policy log-rules policies/'",
      );
    const dryRun = flag(ctx, 'dry-run');
    const r = updateLogRules(ctx.positionals, ctx.cwd, flag(ctx, 'remove') ? 'remove' : 'add', dryRun);
    for (const n of r.notes) ctx.out.info(`note: ${n}`);
    ctx.out.json({ dryRun, changes: r.changes, written: r.written, notes: r.notes });
    if (!r.changes.length) {
      ctx.out.print(
        flag(ctx, 'remove')
          ? 'no Log rules of picocal to remove'
          : 'nothing to change: the denies are already logged',
      );
      return EXIT.ok;
    }
    for (const line of table(
      ['file', 'policy', 'direction', 'rule', 'change'],
      r.changes.map((c) => [
        `${c.file}:${c.line}`,
        c.policy,
        c.direction,
        String(c.index),
        `${c.what} Log ${c.reason === 'before-deny' ? 'before a Deny' : 'at the end (default deny)'}`,
      ]),
    ))
      ctx.out.print(line);
    if (ctx.global.output === 'text')
      ctx.out.info(
        dryRun
          ? 'dry run: nothing written'
          : `rewrote ${r.written.length} file(s): apply them to the cluster`,
      );
    return EXIT.ok;
  },
};
