// Splits a selector into tokens the way libcalico-go's tokenizer does, so that picocal accepts and
// rejects exactly what Calico accepts and rejects. Deliberate quirks kept from upstream:
// - only spaces and tabs separate tokens; a newline (e.g. from a YAML `|` block) is an error;
// - operator words are recognised only right after a label, so `contains`, `in` or `all` are fine as
//   label keys; `startswith`, `endswith` and `notin` are accepted as one word;
// - `has(`, `all(` and `global(` must be written without a space before the parenthesis;
// - strings have no escapes: a value containing `"` must be written in single quotes and vice versa.
import { SelectorParseError, SYNTAX_HINT } from './errors.js';

export type TokenKind =
  | 'label'
  | 'string'
  | '{'
  | '}'
  | ','
  | '=='
  | '!='
  | 'in'
  | 'not in'
  | 'contains'
  | 'starts with'
  | 'ends with'
  | '!'
  | 'has'
  | 'all'
  | 'global'
  | '('
  | ')'
  | '&&'
  | '||'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Label key for `label` and `has`, unquoted text for `string`, empty otherwise. */
  value: string;
  /** 0-based offset of the token's first character. */
  start: number;
}

/** Longest label key Calico accepts (libcalico-go MaxLabelLength). */
export const MAX_LABEL_LENGTH = 512;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Characters of a label key: letters, digits, `_`, `.`, `/`, `-`. */
export function isLabelChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x5f || // _
    c === 0x2e || // .
    c === 0x2f || // /
    c === 0x2d // -
  );
}

/** True when `key` could appear as a label key in a selector. */
export function isValidLabelKey(key: string): boolean {
  if (key.length === 0 || key.length > MAX_LABEL_LENGTH) return false;
  for (let i = 0; i < key.length; i++) if (!isLabelChar(key.charCodeAt(i))) return false;
  return true;
}

// Operator words that may follow a label, tried in this order (upstream order: "not in" before "in").
const WORD_OPERATORS: ReadonlyArray<{ kind: TokenKind; words: readonly string[] }> = [
  { kind: 'contains', words: ['contains'] },
  { kind: 'starts with', words: ['starts', 'with'] },
  { kind: 'ends with', words: ['ends', 'with'] },
  { kind: 'not in', words: ['not', 'in'] },
  { kind: 'in', words: ['in'] },
];

export function tokenize(text: string): Token[] {
  return new Tokenizer(text).run();
}

class Tokenizer {
  private pos = 0;
  private readonly tokens: Token[] = [];

  constructor(private readonly text: string) {}

  run(): Token[] {
    const { text } = this;
    for (;;) {
      this.skipSpaces();
      const start = this.pos;
      if (start >= text.length) {
        this.tokens.push({ kind: 'eof', value: '', start: text.length });
        return this.tokens;
      }
      const c = text[start];
      switch (c) {
        case '(':
        case ')':
        case '{':
        case '}':
        case ',':
          this.push(c, start, 1);
          break;
        case '"':
        case "'":
          this.readString(c);
          break;
        case '=':
          this.expectPair('==', 'expected "==" (a single "=" is not an operator)');
          break;
        case '&':
          this.expectPair('&&', 'expected "&&"');
          break;
        case '|':
          this.expectPair('||', 'expected "||"');
          break;
        case '!':
          if (text.startsWith('!=', start)) this.push('!=', start, 2);
          else this.push('!', start, 1);
          break;
        default:
          this.readWord();
      }
    }
  }

  private push(kind: TokenKind, start: number, length: number, value = ''): void {
    this.tokens.push({ kind, value, start });
    this.pos = start + length;
  }

  private fail(position: number, reason: string, hint: string = SYNTAX_HINT): never {
    throw new SelectorParseError(this.text, position, reason, hint);
  }

  private skipSpaces(): void {
    while (this.pos < this.text.length && isSpace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  private expectPair(op: '==' | '&&' | '||', reason: string): void {
    if (this.text.startsWith(op, this.pos)) this.push(op, this.pos, 2);
    else this.fail(this.pos, reason);
  }

  private readString(quote: string): void {
    const start = this.pos;
    const close = this.text.indexOf(quote, start + 1);
    if (close === -1) {
      this.fail(
        start,
        'unterminated string',
        `close the string with ${quote}; selector strings have no escapes, so quote a value containing ${quote} with the other kind of quote`,
      );
    }
    this.push('string', start, close + 1 - start, this.text.slice(start + 1, close));
  }

  /** Length of the run of label characters at `from` (0 when none). */
  private labelRun(from: number): number {
    let end = from;
    while (end < this.text.length && isLabelChar(this.text.charCodeAt(end))) end++;
    return end - from;
  }

  private readLabel(from: number, what: string): string {
    const length = this.labelRun(from);
    if (length === 0) this.failUnexpected(from, `expected ${what}`);
    if (length > MAX_LABEL_LENGTH) {
      this.fail(from, `label key is ${length} characters long; Calico allows at most ${MAX_LABEL_LENGTH}`);
    }
    return this.text.slice(from, from + length);
  }

  private failUnexpected(at: number, expected: string): never {
    const c = this.text[at];
    if (c === undefined) this.fail(at, `${expected}, found end of selector`);
    if (c === '\n' || c === '\r') {
      this.fail(
        at,
        `${expected}, found a line break`,
        'a selector must be on one line: in YAML use a quoted string or a folded block (>-), not a literal block (|)',
      );
    }
    this.fail(at, `${expected}, found ${JSON.stringify(c)}`);
  }

  private readWord(): void {
    const start = this.pos;
    const last = this.tokens[this.tokens.length - 1];
    if (last?.kind === 'label') {
      this.readOperatorWord(start, last.value);
      return;
    }
    const fn = this.readFunction(start);
    if (fn) return;
    const key = this.readLabel(start, 'a label key, "(", "!", has(), all() or global()');
    this.push('label', start, key.length, key);
  }

  private readOperatorWord(start: number, label: string): void {
    for (const op of WORD_OPERATORS) {
      const end = this.matchWords(start, op.words);
      if (end !== -1) {
        this.push(op.kind, start, end - start);
        return;
      }
    }
    const expected = `expected an operator (==, !=, in, not in, contains, starts with, ends with) after label ${JSON.stringify(label)}`;
    const word = this.labelRun(start);
    if (word === 0) this.failUnexpected(start, expected);
    this.fail(start, `${expected}, found ${JSON.stringify(this.text.slice(start, start + word))}`);
  }

  /**
   * End offset when the words appear at `from`, separated by optional spaces and followed by a
   * word boundary; -1 otherwise. Only the last word needs the boundary, so `notin` matches `not in`.
   */
  private matchWords(from: number, words: readonly string[]): number {
    let at = from;
    for (const [i, word] of words.entries()) {
      if (!this.text.startsWith(word, at)) return -1;
      at += word.length;
      if (i < words.length - 1) while (at < this.text.length && isSpace(this.text.charCodeAt(at))) at++;
    }
    return at < this.text.length && isLabelChar(this.text.charCodeAt(at)) ? -1 : at;
  }

  /** Reads `has(key)`, `all()` or `global()`; false when the text is none of them. */
  private readFunction(start: number): boolean {
    const { text } = this;
    for (const name of ['has', 'all', 'global'] as const) {
      if (!text.startsWith(`${name}(`, start)) continue;
      this.pos = start + name.length + 1;
      this.skipSpaces();
      let key = '';
      if (name === 'has') {
        key = this.readLabel(this.pos, 'a label key inside has()');
        this.pos += key.length;
        this.skipSpaces();
      }
      if (text[this.pos] !== ')') {
        this.failUnexpected(this.pos, `expected ")" to close ${name}(`);
      }
      this.tokens.push({ kind: name, value: key, start });
      this.pos++;
      return true;
    }
    return false;
  }
}
