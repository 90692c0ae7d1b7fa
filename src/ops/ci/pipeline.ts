// The CI pipeline `picocal ci init` writes: lint the policies and run the policy tests, from files
// alone (no cluster, no kubectl). Built as data and dumped by js-yaml; commands are argv arrays quoted
// once, so a folder name with spaces or quotes cannot break the pipeline's shell.
import { dump } from 'js-yaml';
import { packageVersion } from '../../paths.js';
import { shellCommand } from '../../ssh/shell-quote.js';
import type { GeneratedFile } from '../write-new-files.js';

export type CiSystem = 'github' | 'gitlab';
export const CI_SYSTEMS: readonly CiSystem[] = ['github', 'gitlab'];

export interface PipelineOptions {
  /** Paths relative to the repository root, where the pipeline runs. */
  policies: string;
  tests: string;
  /** Cluster snapshot for the tests, when the test file does not name one. */
  cluster: string | undefined;
  /** picocal version the pipeline installs: the one that wrote it, so CI checks what was checked here. */
  version?: string;
}

export const SARIF_FILE = 'picocal-lint.sarif';
export const JUNIT_FILE = 'picocal-policy-tests.xml';

// Pinned to release tags: a moving branch would let a third party change what runs with the token.
export const ACTIONS = {
  checkout: 'actions/checkout@v4',
  setupNode: 'actions/setup-node@v4',
  uploadSarif: 'github/codeql-action/upload-sarif@v3',
  uploadArtifact: 'actions/upload-artifact@v4',
} as const;
export const GITLAB_NODE_IMAGE = 'node:20-bookworm-slim';

/** The picocal commands the pipeline runs, as argv. */
export function pipelineCommands(o: PipelineOptions): { lint: string[]; test: string[] } {
  const picocal = ['npx', '--yes', `picocal@${o.version ?? packageVersion()}`];
  const paths = o.cluster ? ['--cluster', o.cluster, '--policies', o.policies] : [];
  return {
    lint: [...picocal, 'policy', 'lint', o.policies, '--sarif', SARIF_FILE],
    test: [...picocal, 'policy', 'test', o.tests, ...paths, '--junit', JUNIT_FILE],
  };
}

const HEADER = (by: string) =>
  `# Written by \`picocal ci init ${by}\`: lints the network policies and runs the policy tests from\n` +
  `# files alone; no cluster is needed. Edit freely; \`picocal ci init ${by} --force\` rewrites it.\n`;

function github(o: PipelineOptions): GeneratedFile {
  const cmd = pipelineCommands(o);
  const workflow = {
    name: 'picocal policies',
    on: { push: { branches: ['main'] }, pull_request: {} },
    permissions: { contents: 'read', 'security-events': 'write' },
    jobs: {
      policies: {
        'runs-on': 'ubuntu-latest',
        steps: [
          { uses: ACTIONS.checkout },
          { uses: ACTIONS.setupNode, with: { 'node-version': 20 } },
          { name: 'Lint policies', run: shellCommand(cmd.lint) },
          {
            name: 'Upload lint findings',
            if: '!cancelled()',
            uses: ACTIONS.uploadSarif,
            with: { sarif_file: SARIF_FILE, category: 'picocal-policy-lint' },
          },
          // Tests run even when lint found something: both answers are worth having in one push.
          { name: 'Policy tests', if: '!cancelled()', run: shellCommand(cmd.test) },
          {
            name: 'Keep the policy test report',
            if: '!cancelled()',
            uses: ACTIONS.uploadArtifact,
            with: { name: 'picocal-policy-tests', path: JUNIT_FILE },
          },
        ],
      },
    },
  };
  return { path: '.github/workflows/picocal-policies.yml', text: HEADER('github') + dumpYaml(workflow) };
}

function gitlab(o: PipelineOptions): GeneratedFile {
  const cmd = pipelineCommands(o);
  const job = (script: string[], artifacts: Record<string, unknown>) => ({
    stage: 'test',
    image: GITLAB_NODE_IMAGE,
    script: [shellCommand(script)],
    artifacts: { when: 'always', ...artifacts },
  });
  const pipeline = {
    'picocal-policy-lint': job(cmd.lint, { paths: [SARIF_FILE] }),
    'picocal-policy-test': job(cmd.test, { reports: { junit: JUNIT_FILE } }),
  };
  return { path: '.gitlab-ci.yml', text: HEADER('gitlab') + dumpYaml(pipeline) };
}

function dumpYaml(value: unknown): string {
  return dump(value, { lineWidth: -1, noRefs: true });
}

export function pipelineFile(system: CiSystem, o: PipelineOptions): GeneratedFile {
  return system === 'github' ? github(o) : gitlab(o);
}
