// `picocal policy lint FILE|DIR...`: schema validation plus the mistakes people make with Kubernetes
// and Calico policies. Exit 1 when any finding is an error, 0 otherwise, 2 when input cannot be read.
// Calico's schemas come from the release's CRD manifest; without it the other rules still decide.
import { resolve } from 'node:path';
import { latestRelease } from '../../catalog/versions.js';
import { EXIT, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import {
  calicoSchemasForLint,
  countFindings,
  formatFinding,
  formatSummary,
  lintSources,
  readSources,
  toSarif,
  uncheckedNotice,
} from '../../policy/lint/index.js';
import { compareFindings } from '../../policy/lint/finding.js';
import { kustomizationFindings } from '../../policy/lint/kustomization-check.js';
import { stringOption, type Command } from '../command.js';
import { namedSource } from '../release-source-option.js';

export const policyLint: Command = {
  name: 'policy lint',
  summary: 'check Kubernetes and Calico policy files for schema errors and common mistakes',
  args: 'FILE|DIR...',
  description:
    'Reads multi-document YAML files and folders (and `kind: List`). Validates networking.k8s.io/v1 ' +
    'NetworkPolicy and the projectcalico.org/v3 policy kinds against their schemas, then reports the ' +
    'mistakes that make policies do something other than what they say. No cluster is needed.\n' +
    "Calico's schemas are read from the release's CRD manifest (sha256-checked): from --artifacts DIR, " +
    'else from the cache `picocal artifacts fetch` fills, else downloaded into it. When it cannot be ' +
    'had, every other rule still runs and a notice says what was not checked (JSON: "schema"). ' +
    'Exit codes: 0 no errors, 1 errors found, 2 unreadable input, an unknown --calico-version, or a ' +
    "manifest whose sha256 is not the release's.",
  options: {
    sarif: { type: 'string', arg: 'FILE', description: 'also write the findings as SARIF 2.1.0 to FILE' },
    'calico-version': {
      type: 'string',
      arg: 'VERSION',
      description: `Calico release whose schemas to check against (default: ${latestRelease().version})`,
    },
    artifacts: {
      type: 'string',
      arg: 'DIR',
      description:
        'folder with the release files (DIR/vX.Y.Z/manifests/), used instead of the cache (default: PICOCAL_ARTIFACTS)',
    },
  },
  examples: [
    'picocal policy lint policies/',
    'picocal policy lint policies/ --sarif lint.sarif --output json',
    'picocal policy lint policies/ --calico-version 3.31.7 --artifacts /srv/calico-release',
  ],
  async run(ctx) {
    if (ctx.positionals.length === 0) {
      throw new UsageError(
        'policy lint needs at least one file or folder',
        "e.g. 'picocal policy lint policies/'",
      );
    }
    const sources = readSources(ctx.positionals, ctx.cwd);
    const version = stringOption(ctx, 'calico-version');
    // --artifacts DIR, else PICOCAL_ARTIFACTS, else the cache (policy lint needs no inventory).
    const named = namedSource(ctx, undefined);
    const artifacts = named.origin === 'cache' ? undefined : named.dir;
    const calico = await calicoSchemasForLint({
      ...(version ? { version } : {}),
      ...(artifacts ? { artifactsDir: resolve(ctx.cwd, artifacts) } : {}),
      signal: ctx.signal,
      log: (line) => ctx.out.info(line),
    });
    const linted = lintSources(sources, { calico: calico.schemas });
    // A policy folder deployed with kustomize/Flux: every policy file listed, every listed file there.
    const drift = ctx.positionals.flatMap((p) => kustomizationFindings(resolve(ctx.cwd, p), p));
    const result = { ...linted, findings: [...linted.findings, ...drift].sort(compareFindings) };
    const sarif = stringOption(ctx, 'sarif');
    if (sarif)
      writeFileAtomic(
        resolve(ctx.cwd, sarif),
        JSON.stringify(toSarif(result.findings, calico.status), null, 2) + '\n',
      );
    const counts = countFindings(result.findings);
    ctx.out.json({
      files: result.files,
      objects: result.objects,
      summary: counts,
      schema: calico.status,
      findings: result.findings,
    });
    if (calico.status.checked) {
      ctx.out.detail(`Calico ${calico.status.calicoVersion} schemas from ${calico.status.source}`);
    }
    const notice = uncheckedNotice(calico.status);
    if (notice && !calico.status.checked && ctx.global.output === 'text') {
      ctx.out.warn(`${notice}\n    hint: ${calico.status.hint}`);
    }
    for (const f of result.findings) ctx.out.print(formatFinding(f));
    if (ctx.global.output === 'text') ctx.out.info(formatSummary(result.findings, result.files.length));
    return counts.error > 0 ? EXIT.failed : EXIT.ok;
  },
};
