// One error type for everything picocal reports to a user. `code` is a stable, greppable prefix,
// `hint` says what to do next, `node` names the board when one is involved. The CLI is the only place
// that prints errors and maps them to exit codes.

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  partial: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface ErrorDetails {
  hint?: string;
  node?: string;
  cause?: unknown;
}

export class PicocalError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly node: string | undefined;
  /** What the CLI exits with when this error reaches it. */
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, details: ErrorDetails = {}, exitCode: ExitCode = EXIT.failed) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = details.hint;
    this.node = details.node;
    this.exitCode = exitCode;
  }
}

/** A position in a user's file, 1-based as editors show it. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export function formatLocation(loc: SourceLocation | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : '';
}

/** One problem found in a user's input (inventory, policy file, flag). */
export interface InputProblem {
  location?: SourceLocation;
  /** Field path such as `all.children.workers.hosts.pi2.ansible_host`. */
  field?: string;
  message: string;
  hint?: string;
}

/** Bad input: nothing was changed. Carries every problem found, not just the first. */
export class InputError extends PicocalError {
  readonly problems: InputProblem[];
  constructor(summary: string, problems: InputProblem[], details: ErrorDetails = {}) {
    super('E_INPUT', summary, details, EXIT.usage);
    this.problems = problems;
  }
}

export class UsageError extends PicocalError {
  constructor(message: string, hint?: string) {
    super('E_USAGE', message, { hint }, EXIT.usage);
  }
}

export class TemplateError extends PicocalError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('E_TEMPLATE', message, details, EXIT.failed);
  }
}

export class AnsibleError extends PicocalError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('E_ANSIBLE', message, details, EXIT.failed);
  }
}

export class SshError extends PicocalError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('E_SSH', message, details, EXIT.failed);
  }
}

export class HealthError extends PicocalError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('E_HEALTH', message, details, EXIT.failed);
  }
}

export class LabError extends PicocalError {
  constructor(message: string, details: ErrorDetails = {}, exitCode: ExitCode = EXIT.failed) {
    super('E_LAB', message, details, exitCode);
  }
}

export class InterruptedError extends PicocalError {
  constructor(message = 'interrupted', details: ErrorDetails = {}) {
    super('E_INTERRUPTED', message, details, EXIT.interrupted);
  }
}

export function formatProblem(p: InputProblem): string {
  const where = formatLocation(p.location);
  const head = [where, p.field ? `${p.field}:` : ''].filter(Boolean).join(' ');
  return `${head ? head + ' ' : ''}${p.message}${p.hint ? `\n    hint: ${p.hint}` : ''}`;
}
