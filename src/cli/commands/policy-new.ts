// `picocal policy new PATTERN`: write one of the guide's policy patterns, corrected, as YAML.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import {
  defaultScaffoldOptions,
  PATTERNS,
  scaffoldObjects,
  scaffoldYaml,
} from '../../policy/scaffold/index.js';
import { flag, stringOption, type Command } from '../command.js';
import { requireInventory } from '../inventory-option.js';

export const policyNew: Command = {
  name: 'policy new',
  summary: 'write a policy pattern: ' + Object.keys(PATTERNS).join(', '),
  args: 'PATTERN',
  description: Object.entries(PATTERNS)
    .map(([name, p]) => `${name}: ${p.summary}`)
    .join('\n'),
  options: {
    namespace: {
      type: 'string',
      short: 'n',
      arg: 'NS',
      description: 'namespace of the policies (default: default)',
    },
    out: {
      type: 'string',
      arg: 'FILE|DIR/',
      description:
        'write to FILE instead of stdout; to a folder (an existing one, or ending in /): DIR/NS-PATTERN.yaml',
    },
    force: { type: 'boolean', description: 'overwrite FILE if it exists' },
    'pod-cidr': {
      type: 'string',
      arg: 'CIDR',
      description:
        "internet-egress: pod network to exclude (default: the inventory's pod_cidr with -i, else 192.168.0.0/16)",
    },
    'service-cidr': {
      type: 'string',
      arg: 'CIDR',
      description:
        "internet-egress: service network to exclude (default: the inventory's service_cidr with -i, else 10.96.0.0/12)",
    },
  },
  examples: [
    'picocal policy new default-deny --namespace myapp --out policies/myapp/default-deny.yaml',
    'picocal policy new allow-dns -n shop --out policies/          # writes policies/shop-allow-dns.yaml',
    'picocal policy new internet-egress -i inventory/picocluster.yaml -n shop',
  ],
  async run(ctx) {
    const [pattern, ...extra] = ctx.positionals;
    if (!pattern || extra.length > 0) {
      throw new UsageError(
        'policy new needs exactly one PATTERN',
        `one of: ${Object.keys(PATTERNS).join(', ')}`,
      );
    }
    const ns = stringOption(ctx, 'namespace');
    // With an inventory, the cluster's own ranges: Calico's generic defaults are rarely a k3s cluster's.
    const inventory = ctx.global.inventory ? await requireInventory(ctx) : undefined;
    const pod = stringOption(ctx, 'pod-cidr') ?? inventory?.cluster.pod_cidr;
    const svc = stringOption(ctx, 'service-cidr') ?? inventory?.cluster.service_cidr;
    const options = defaultScaffoldOptions({
      ...(ns ? { namespace: ns } : {}),
      ...(pod ? { podCidr: pod } : {}),
      ...(svc ? { serviceCidr: svc } : {}),
    });
    const yaml = scaffoldYaml(pattern, options);
    const outOption = stringOption(ctx, 'out');
    // A folder gets one file per namespace and pattern, so two patterns never write the same file.
    const isDir =
      outOption !== undefined &&
      (outOption.endsWith('/') ||
        (existsSync(resolve(ctx.cwd, outOption)) && statSync(resolve(ctx.cwd, outOption)).isDirectory()));
    const out = outOption && isDir ? join(outOption, `${options.namespace}-${pattern}.yaml`) : outOption;
    if (out) {
      const path = resolve(ctx.cwd, out);
      if (existsSync(path) && !flag(ctx, 'force')) {
        throw new UsageError(`${out} exists`, 'choose another file, or add --force to overwrite it');
      }
      writeFileAtomic(path, yaml);
      if (ctx.global.output === 'text') ctx.out.info(`wrote ${out}`);
    } else {
      ctx.out.print(yaml.trimEnd());
    }
    ctx.out.json({
      pattern,
      namespace: options.namespace,
      objects: scaffoldObjects(pattern, options),
      ...(out ? { file: out } : {}),
    });
    return EXIT.ok;
  },
};
