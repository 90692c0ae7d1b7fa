// `picocal policy lint FILE|DIR...`: schema validation plus the mistakes people make with Kubernetes
// and Calico policies. Exit 1 when any finding is an error, 0 otherwise, 2 when input cannot be read.
import { resolve } from 'node:path';
import { EXIT, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../policy/convert/atomic-write.js';
import { countFindings, formatFinding, formatSummary, lintPaths, toSarif } from '../../policy/lint/index.js';
import { stringOption, type Command } from '../command.js';

export const policyLint: Command = {
  name: 'policy lint',
  summary: 'check Kubernetes and Calico policy files for schema errors and common mistakes',
  args: 'FILE|DIR...',
  description:
    'Reads multi-document YAML files and folders (and `kind: List`). Validates networking.k8s.io/v1 ' +
    'NetworkPolicy and the projectcalico.org/v3 policy kinds against their schemas, then reports the ' +
    'mistakes that make policies do something other than what they say. No cluster is needed.',
  options: {
    sarif: { type: 'string', arg: 'FILE', description: 'also write the findings as SARIF 2.1.0 to FILE' },
  },
  examples: [
    'picocal policy lint policies/',
    'picocal policy lint policies/ --sarif lint.sarif --output json',
  ],
  async run(ctx) {
    if (ctx.positionals.length === 0) {
      throw new UsageError(
        'policy lint needs at least one file or folder',
        "e.g. 'picocal policy lint policies/'",
      );
    }
    const result = lintPaths(ctx.positionals, ctx.cwd);
    const sarif = stringOption(ctx, 'sarif');
    if (sarif)
      writeFileAtomic(resolve(ctx.cwd, sarif), JSON.stringify(toSarif(result.findings), null, 2) + '\n');
    const counts = countFindings(result.findings);
    ctx.out.json({
      files: result.files,
      objects: result.objects,
      summary: counts,
      findings: result.findings,
    });
    for (const f of result.findings) ctx.out.print(formatFinding(f));
    if (ctx.global.output === 'text') ctx.out.info(formatSummary(result.findings, result.files.length));
    return counts.error > 0 ? EXIT.failed : EXIT.ok;
  },
};
