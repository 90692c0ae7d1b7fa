// The shape of one CLI command. Commands parse nothing themselves and never exit the process: they
// return an exit code or throw a PicocalError, and main maps that to the documented exit codes.
import type { Output } from '../core/output.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  default?: string | boolean;
  /** Shown in help, e.g. `--port N`. */
  arg?: string;
  description: string;
}

export interface GlobalOptions {
  inventory: string | undefined;
  output: 'text' | 'json';
  verbose: boolean;
  debug: boolean;
}

export interface CommandContext {
  positionals: string[];
  options: Record<string, string | boolean | string[] | undefined>;
  global: GlobalOptions;
  out: Output;
  /** Aborted on Ctrl-C: long operations stop at their next safe point. */
  signal: AbortSignal;
  cwd: string;
}

export interface Command {
  /** Words that select the command: `render`, `lab up`, `policy lint`. */
  name: string;
  summary: string;
  /** Positional arguments as shown in help, e.g. `NODE`. */
  args?: string;
  description?: string;
  options?: Record<string, OptionSpec>;
  /** Extra help text (examples). */
  examples?: string[];
  run(ctx: CommandContext): Promise<number>;
}

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.options[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOption(ctx: CommandContext, name: string): string[] {
  const v = ctx.options[name];
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : [];
}

export function flag(ctx: CommandContext, name: string): boolean {
  return ctx.options[name] === true;
}

/** A program: picocal, or calico-validate (one command). Here, not in main.ts, so help.ts needs no main. */
export interface Program {
  name: string;
  summary: string;
  commands: Command[];
  /** A program with a single command (calico-validate) has no command word. */
  single?: boolean;
  /** Its global options, when not picocal's (calico-validate reads no inventory). */
  globals?: Record<string, OptionSpec>;
  /** Its exit codes as help shows them, when not picocal's (calico-validate touches no node: no exit 3). */
  exitCodesHelp?: string;
}
