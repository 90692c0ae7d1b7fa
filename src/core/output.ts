// Where a command's words go. Text mode: results on stdout, progress and logs on stderr.
// JSON mode: exactly one JSON document on stdout and nothing else there; logs still go to stderr.
// Every text line is made terminal-safe here (terminal-text.ts): the colours below are the only escape
// sequences picocal writes.
import { styleText } from 'node:util';
import { terminalSafe } from '../terminal-text.js';
import { plainText, type StyledLine, type Tone } from './table.js';

export type OutputFormat = 'text' | 'json';

type Style = Parameters<typeof styleText>[0];

export class Output {
  constructor(
    readonly format: OutputFormat,
    readonly verbose: boolean,
    readonly color: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
    /** Colour the tones of printed lines: stdout is a terminal and NO_COLOR is unset (wantsColor). */
    readonly stdoutColor = false,
  ) {}

  /** A line of a command's result (text mode only; ignored in JSON mode). */
  print(line = ''): void {
    if (this.format === 'text') this.stdout.write(terminalSafe(line) + '\n');
  }

  /**
   * A result line whose pieces may carry a tone (a table's status cells): on a colour terminal a good
   * piece is green and a bad one red; otherwise exactly print(plainText(line)). Each piece is made
   * terminal-safe before it is coloured, so the colours stay the only escape sequences.
   */
  printStyled(line: StyledLine): void {
    if (this.format !== 'text') return;
    if (!this.stdoutColor || typeof line === 'string') return this.print(plainText(line));
    const text = line
      .map((s) => (typeof s === 'string' ? terminalSafe(s) : this.tone(s.tone, terminalSafe(s.text))))
      .join('');
    this.stdout.write(text + '\n');
  }

  private tone(tone: Tone, text: string): string {
    return styleText(tone === 'good' ? 'green' : 'red', text, { validateStream: false });
  }

  /** The command's one JSON document (JSON mode only). */
  json(doc: unknown): void {
    if (this.format === 'json') this.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  }

  /** Progress and notes for a person: stderr, so stdout stays parseable. */
  info(line: string): void {
    this.stderr.write(terminalSafe(line) + '\n');
  }

  detail(line: string): void {
    if (this.verbose) this.stderr.write(this.paint('dim', terminalSafe(line)) + '\n');
  }

  warn(line: string): void {
    this.stderr.write(this.paint('yellow', `warning: ${terminalSafe(line)}`) + '\n');
  }

  error(line: string): void {
    this.stderr.write(this.paint('red', terminalSafe(line)) + '\n');
  }

  paint(style: Style, text: string): string {
    return this.color ? styleText(style, text, { validateStream: false }) : text;
  }
}

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function wantsColor(stream: NodeJS.WriteStream = process.stderr): boolean {
  if (process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '') return false;
  if (process.env['FORCE_COLOR'] !== undefined && process.env['FORCE_COLOR'] !== '0') return true;
  return Boolean(stream.isTTY);
}
