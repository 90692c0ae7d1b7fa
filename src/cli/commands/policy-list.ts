// `picocal policy list FILE|DIR...`: Kubernetes and Calico policies side by side, in evaluation order.
import { EXIT, UsageError } from '../../errors.js';
import { listPolicies, policyRowsJson, readListedObjects } from '../../policy/list/list.js';
import { table } from '../../core/table.js';
import { stringOption, type Command } from '../command.js';

export const policyList: Command = {
  name: 'policy list',
  summary: 'list the Kubernetes and Calico policies of files, in the order Calico evaluates them',
  args: 'FILE|DIR...',
  description:
    'Kubernetes NetworkPolicy and the projectcalico.org/v3 policy kinds (staged ones too), with tier,\n' +
    'order, selector and types. Kubernetes policies are shown as Calico enforces them: tier default,\n' +
    'order 1000. GlobalNetworkPolicy has no namespace (-).',
  options: {
    namespace: {
      type: 'string',
      short: 'n',
      arg: 'NS',
      description: 'only policies of this namespace (and global ones)',
    },
  },
  examples: ['picocal policy list policies/', 'picocal policy list policies/ -n shop --output json'],
  async run(ctx) {
    if (!ctx.positionals.length)
      throw new UsageError(
        'policy list needs at least one file or folder',
        "e.g. 'picocal policy list policies/'",
      );
    const ns = stringOption(ctx, 'namespace');
    const rows = listPolicies(readListedObjects(ctx.positionals, ctx.cwd)).filter(
      (r) => !ns || r.namespace === undefined || r.namespace === ns,
    );
    ctx.out.json({ policies: policyRowsJson(rows) });
    if (!rows.length) {
      ctx.out.print('no policies found');
      return EXIT.ok;
    }
    for (const line of table(
      ['kind', 'api group', 'tier', 'namespace', 'name', 'order', 'types', 'selector'],
      rows.map((r) => [
        r.kind,
        r.apiGroup,
        r.tier,
        r.namespace ?? '-',
        r.name,
        r.order === undefined ? '-' : String(r.order),
        r.types.join(','),
        r.namespaceSelector ? `${r.selector}; namespaces: ${r.namespaceSelector}` : r.selector,
      ]),
    ))
      ctx.out.print(line);
    return EXIT.ok;
  },
};
