// `picocal gitops flux`: the Flux objects that apply a Git folder of policies to the cluster and prune
// what is removed from it, and the kustomization.yaml that lists the folder's policy files.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT, UsageError } from '../../errors.js';
import { checkFluxOptions, fluxObjects, kustomizationYaml, yamlDocuments } from '../../generate/flux.js';
import { scanPolicyFolder } from '../../policy/load/policy-files.js';
import { writeNewFiles } from '../../generate/write-new-files.js';
import { flag, stringOption, type Command } from '../command.js';

const HEADER =
  '# Written by `picocal gitops flux`. Apply once (kubectl apply -f); Flux then keeps the cluster equal\n' +
  '# to the Git folder and deletes policies removed from it (prune).\n';

export const gitopsFlux: Command = {
  name: 'gitops flux',
  summary: 'write the Flux GitRepository and Kustomization that deploy a policy folder from Git',
  description:
    'Writes OUT/NAME.yaml (GitRepository source.toolkit.fluxcd.io/v1 + Kustomization\n' +
    'kustomize.toolkit.fluxcd.io/v1 with prune) and PATH/kustomization.yaml listing the policy files of PATH\n' +
    '(cluster snapshots and policy test files in it are left out). Run it from the repository root.',
  options: {
    repo: { type: 'string', arg: 'URL', description: 'Git URL Flux clones (https:// or ssh://)' },
    branch: { type: 'string', arg: 'NAME', default: 'main', description: 'branch to follow' },
    path: {
      type: 'string',
      arg: 'DIR',
      default: './policies',
      description: 'policy folder, from the repository root',
    },
    interval: { type: 'string', arg: 'DURATION', default: '10m', description: 'how often Flux reconciles' },
    name: {
      type: 'string',
      arg: 'NAME',
      default: 'picocal-policies',
      description: 'name of the Flux objects',
    },
    namespace: {
      type: 'string',
      arg: 'NS',
      default: 'flux-system',
      description: 'namespace of the Flux objects',
    },
    out: { type: 'string', arg: 'DIR', default: 'flux', description: 'folder for the Flux objects' },
    force: { type: 'boolean', description: 'replace files that exist' },
  },
  examples: ['picocal gitops flux --repo https://github.com/me/cluster --path ./policies'],
  async run(ctx) {
    if (ctx.positionals.length) throw new UsageError(`unexpected argument '${ctx.positionals[0]}'`);
    const repo = stringOption(ctx, 'repo');
    if (!repo)
      throw new UsageError(
        '--repo URL is required',
        'the Git URL Flux clones, e.g. https://github.com/me/cluster',
      );
    const options = {
      repo,
      branch: stringOption(ctx, 'branch') ?? 'main',
      path: stringOption(ctx, 'path') ?? './policies',
      interval: stringOption(ctx, 'interval') ?? '10m',
      name: stringOption(ctx, 'name') ?? 'picocal-policies',
      namespace: stringOption(ctx, 'namespace') ?? 'flux-system',
    };
    checkFluxOptions(options);
    const folder = resolve(ctx.cwd, options.path);
    if (!existsSync(folder) || !statSync(folder).isDirectory())
      throw new UsageError(
        `${options.path} is not a folder`,
        'run from the repository root and pass --path to the policy folder',
      );
    const scan = scanPolicyFolder(folder, options.path);
    for (const s of scan.skipped) ctx.out.info(`left out ${join(options.path, s.file)}: ${s.reason}`);
    if (!scan.resources.length)
      throw new UsageError(
        `${options.path} holds no policy files`,
        'write policies there first (picocal policy new)',
      );
    // One call, so a refusal to overwrite either file leaves both untouched.
    const written = writeNewFiles(
      [
        {
          path: join(stringOption(ctx, 'out') ?? 'flux', `${options.name}.yaml`),
          text: HEADER + yamlDocuments(fluxObjects(options)),
        },
        {
          path: join(options.path, 'kustomization.yaml'),
          text: yamlDocuments([kustomizationYaml(scan.resources)]),
        },
      ],
      '.',
      ctx.cwd,
      flag(ctx, 'force'),
    );
    ctx.out.json({ files: written, resources: scan.resources, skipped: scan.skipped });
    for (const w of written) ctx.out.print(`wrote ${w}`);
    if (ctx.global.output === 'text')
      ctx.out.info(
        `note: kustomization.yaml lists today's ${scan.resources.length} policy files; a file added later is ` +
          `deployed once listed: 'picocal policy lint ${options.path}' (and the CI pipeline) names any left out`,
      );
    return EXIT.ok;
  },
};
