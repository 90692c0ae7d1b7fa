// A selector that Calico would reject. `position` is a 0-based offset into the selector text so a
// caller that knows where the text sits in a YAML file can turn it into file:line:column.
import { EXIT, PicocalError } from '../../errors.js';

export const SYNTAX_HINT = 'see the Calico selector syntax: key == "value", has(key), a && b, a || b, !a';

export class SelectorParseError extends PicocalError {
  /** 0-based offset into `source` where parsing stopped. */
  readonly position: number;
  /** What was wrong, without the selector text: `unterminated string`, `expected ")" ...`. */
  readonly reason: string;
  /** The selector text as given. */
  readonly source: string;

  constructor(source: string, position: number, reason: string, hint?: string) {
    super(
      'E_SELECTOR',
      `invalid selector ${JSON.stringify(source)}: ${reason} (at position ${position})`,
      { hint: hint ?? SYNTAX_HINT },
      EXIT.usage,
    );
    this.position = position;
    this.reason = reason;
    this.source = source;
  }

  /** The selector on one line and a caret under the failing position, for terminal output. */
  get pointer(): string {
    const shown = this.source.replace(/[\t\r\n]/g, ' ');
    return `${shown}\n${' '.repeat(this.position)}^`;
  }
}
