// The CI pipeline `picocal ci init` writes: lint the policies and run the policy tests, from files
// alone (no cluster, no kubectl). Built as data and dumped by js-yaml; commands are argv arrays quoted
// once, so a folder name with spaces or quotes cannot break the pipeline's shell.
//
// picocal is not published on a package registry, so the pipeline never fetches it by name (an
// `npx --yes picocal@V` would run whatever someone publishes under that name later, with the job's token).
// It builds picocal from source the user pinned: the repository the pipeline runs in (picocal's own
// checkout), or a git commit named by its full hash. Its dependencies come from picocal's package-lock.json
// (sha512 integrity) with install scripts off.
import { dump } from 'js-yaml';
import { shellCommand } from '../ssh/shell-quote.js';
import type { GeneratedFile } from './write-new-files.js';

export type CiSystem = 'github' | 'gitlab';
export const CI_SYSTEMS: readonly CiSystem[] = ['github', 'gitlab'];

/** Where the pipeline gets picocal: this repository, or a pinned commit of a git repository. */
export type PicocalSource = { kind: 'this-repository' } | { kind: 'git'; url: string; commit: string };

export interface PipelineOptions {
  /** Paths relative to the repository root, where the pipeline runs. */
  policies: string;
  tests: string;
  /** Cluster snapshot for the tests, when the test file does not name one. */
  cluster: string | undefined;
  source: PicocalSource;
}

export const SARIF_FILE = 'picocal-lint.sarif';
export const JUNIT_FILE = 'picocal-policy-tests.xml';
/** Where a pinned commit of picocal is checked out, inside the pipeline's workspace. */
export const SOURCE_DIR = '.picocal-src';
const SARIF_ARTIFACT = 'picocal-lint-sarif';

// Every action is pinned to the full commit id of a release, with the release tag in a comment (a tag can be
// moved to other code by whoever controls the action's repository; a commit id cannot). The ids were read
// from the actions' own repositories, `git rev-parse <tag>^{commit}` in a clone of each (2026-12-07);
// scripts/check-action-pins.sh checks every id against its tag again (git ls-remote), and
// test/unit/generate/ci-init.test.ts checks the form of every `uses:` line written.
// https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions
export interface PinnedAction {
  /** `owner/repo` or `owner/repo/path`. */
  action: string;
  tag: string;
  commit: string;
}
export const ACTIONS = {
  checkout: { action: 'actions/checkout', tag: 'v7.0.1', commit: '3d3c42e5aac5ba805825da76410c181273ba90b1' },
  setupNode: {
    action: 'actions/setup-node',
    tag: 'v7.0.0',
    commit: '820762786026740c76f36085b0efc47a31fe5020',
  },
  uploadSarif: {
    action: 'github/codeql-action/upload-sarif',
    tag: 'v4.36.2',
    commit: '8aad20d150bbac5944a9f9d289da16a4b0d87c1e',
  },
  uploadArtifact: {
    action: 'actions/upload-artifact',
    tag: 'v7.0.0',
    commit: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f',
  },
  downloadArtifact: {
    action: 'actions/download-artifact',
    tag: 'v8.0.1',
    commit: '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c',
  },
} as const satisfies Record<string, PinnedAction>;

/** The `uses:` value of a pinned action. */
export function usesOf(a: PinnedAction): string {
  return `${a.action}@${a.commit}`;
}

/** js-yaml writes no comments: each `uses: owner/repo@<commit>` line gets its release tag as one. */
function tagPinnedActions(yaml: string): string {
  const tags = new Map<string, string>(Object.values(ACTIONS).map((a) => [usesOf(a), a.tag]));
  return yaml.replace(/^(\s*(?:- )?uses: )(\S+)$/gm, (line, _prefix: string, uses: string) => {
    const tag = tags.get(uses);
    if (!tag) throw new Error(`internal: action ${uses} is not pinned in ACTIONS`);
    return `${line} # ${tag}`;
  });
}
// Not -slim: the pinned-commit install needs git.
export const GITLAB_NODE_IMAGE = 'node:20-bookworm';

const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const GIT_URL = /^(?:https:\/\/|ssh:\/\/|file:\/\/|git@[\w.-]+:|\/)[^\s]+$/;

/** `URL#COMMIT` (the commit by its full hash) as a source, or why not. */
export function parseGitSource(spec: string): PicocalSource | string {
  const at = spec.lastIndexOf('#');
  const url = at < 0 ? spec : spec.slice(0, at);
  const commit = at < 0 ? '' : spec.slice(at + 1);
  if (!COMMIT.test(commit)) return `'${spec}' names no commit by its full hash (URL#<40 hex digits>)`;
  if (!GIT_URL.test(url))
    return `'${url}' is not an https://, ssh://, git@host:, file:// or absolute git URL`;
  return { kind: 'git', url, commit };
}

/** The install steps (argv each) and the argv prefix that runs the installed picocal. */
export function picocalInstall(source: PicocalSource): { steps: string[][]; picocal: string[] } {
  const npmCi = ['npm', 'ci', '--ignore-scripts', '--no-audit', '--no-fund'];
  if (source.kind === 'this-repository') {
    return { steps: [npmCi, ['npm', 'run', 'build']], picocal: ['node', 'dist/src/cli/picocal.js'] };
  }
  return {
    steps: [
      ['git', 'clone', '--quiet', '--no-checkout', '--', source.url, SOURCE_DIR],
      ['git', '-C', SOURCE_DIR, 'checkout', '--quiet', '--detach', source.commit],
      [...npmCi, '--prefix', SOURCE_DIR],
      ['npm', 'run', '--prefix', SOURCE_DIR, 'build'],
    ],
    picocal: ['node', `${SOURCE_DIR}/dist/src/cli/picocal.js`],
  };
}

/** The picocal commands the pipeline runs, as argv. */
export function pipelineCommands(o: PipelineOptions): { lint: string[]; test: string[] } {
  const { picocal } = picocalInstall(o.source);
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
  const install = picocalInstall(o.source).steps;
  // The jobs that run picocal (and npm) can only read the repository; the token never lands in
  // .git/config where a build step could read it.
  const prepare = [
    { uses: usesOf(ACTIONS.checkout), with: { 'persist-credentials': false } },
    { uses: usesOf(ACTIONS.setupNode), with: { 'node-version': 20 } },
    { name: 'Install picocal from source', run: install.map(shellCommand).join('\n') },
  ];
  const readOnly = { contents: 'read' };
  const workflow = {
    name: 'picocal policies',
    on: { push: { branches: ['main'] }, pull_request: {} },
    permissions: {},
    jobs: {
      lint: {
        'runs-on': 'ubuntu-latest',
        permissions: readOnly,
        steps: [
          ...prepare,
          { name: 'Lint policies', run: shellCommand(cmd.lint) },
          {
            name: 'Keep the lint findings',
            if: '!cancelled()',
            uses: usesOf(ACTIONS.uploadArtifact),
            with: { name: SARIF_ARTIFACT, path: SARIF_FILE },
          },
        ],
      },
      // The only job that may write code-scanning alerts runs no code from the repository or npm.
      'upload-sarif': {
        needs: 'lint',
        if: '!cancelled()',
        'runs-on': 'ubuntu-latest',
        permissions: { contents: 'read', actions: 'read', 'security-events': 'write' },
        steps: [
          { uses: usesOf(ACTIONS.downloadArtifact), with: { name: SARIF_ARTIFACT } },
          {
            name: 'Upload lint findings',
            uses: usesOf(ACTIONS.uploadSarif),
            with: { sarif_file: SARIF_FILE, category: 'picocal-policy-lint' },
          },
        ],
      },
      // Tests run even when lint found something: both answers are worth having in one push.
      test: {
        'runs-on': 'ubuntu-latest',
        permissions: readOnly,
        steps: [
          ...prepare,
          { name: 'Policy tests', run: shellCommand(cmd.test) },
          {
            name: 'Keep the policy test report',
            if: '!cancelled()',
            uses: usesOf(ACTIONS.uploadArtifact),
            with: { name: 'picocal-policy-tests', path: JUNIT_FILE },
          },
        ],
      },
    },
  };
  return {
    path: '.github/workflows/picocal-policies.yml',
    text: HEADER('github') + tagPinnedActions(dumpYaml(workflow)),
  };
}

function gitlab(o: PipelineOptions): GeneratedFile {
  const cmd = pipelineCommands(o);
  const install = picocalInstall(o.source).steps.map(shellCommand);
  const job = (script: string[], artifacts: Record<string, unknown>) => ({
    stage: 'test',
    image: GITLAB_NODE_IMAGE,
    script: [...install, shellCommand(script)],
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
