// `picocal policy new PATTERN`: write one of the guide's policy patterns, corrected, as YAML.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../policy/convert/atomic-write.js';
import {
  defaultScaffoldOptions,
  PATTERNS,
  scaffoldObjects,
  scaffoldYaml,
} from '../../policy/scaffold/index.js';
import { flag, stringOption, type Command } from '../command.js';

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
    out: { type: 'string', arg: 'FILE', description: 'write to FILE instead of stdout' },
    force: { type: 'boolean', description: 'overwrite FILE if it exists' },
    'pod-cidr': {
      type: 'string',
      arg: 'CIDR',
      description: 'internet-egress: pod network to exclude (default 192.168.0.0/16)',
    },
    'service-cidr': {
      type: 'string',
      arg: 'CIDR',
      description: 'internet-egress: service network to exclude (default 10.96.0.0/12)',
    },
  },
  examples: ['picocal policy new default-deny --namespace myapp --out policies/myapp/default-deny.yaml'],
  async run(ctx) {
    const [pattern, ...extra] = ctx.positionals;
    if (!pattern || extra.length > 0) {
      throw new UsageError(
        'policy new needs exactly one PATTERN',
        `one of: ${Object.keys(PATTERNS).join(', ')}`,
      );
    }
    const ns = stringOption(ctx, 'namespace');
    const pod = stringOption(ctx, 'pod-cidr');
    const svc = stringOption(ctx, 'service-cidr');
    const options = defaultScaffoldOptions({
      ...(ns ? { namespace: ns } : {}),
      ...(pod ? { podCidr: pod } : {}),
      ...(svc ? { serviceCidr: svc } : {}),
    });
    const yaml = scaffoldYaml(pattern, options);
    const out = stringOption(ctx, 'out');
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
