// Recursive descent over the tokens, one function per precedence level, lowest first:
//   selector   := <empty> | or EOF
//   or         := and ("||" and)*
//   and        := operation ("&&" operation)*
//   operation  := "!"* ( has(k) | all() | global() | "(" or ")" | k op "s" | k [not] in { "s", ... } )
// so `!` binds tightest, then `&&`, then `||`. As in libcalico-go, a run of `!` collapses to one or
// none, a lone operand is not wrapped in an And/Or node, and a set may end with a trailing comma.
import {
  AllNode,
  AndNode,
  ContainsNode,
  EndsWithNode,
  EqualsNode,
  GlobalNode,
  HasNode,
  InSetNode,
  NotEqualsNode,
  NotInSetNode,
  NotNode,
  OrNode,
  StartsWithNode,
  type SelectorNode,
} from './ast.js';
import { SelectorParseError } from './errors.js';
import { tokenize, type Token, type TokenKind } from './tokenizer.js';

export function parseToAst(text: string): SelectorNode {
  return new Parser(text, tokenize(text)).parseRoot();
}

const COMPARISONS: Partial<Record<TokenKind, new (key: string, value: string) => SelectorNode>> = {
  '==': EqualsNode,
  '!=': NotEqualsNode,
  contains: ContainsNode,
  'starts with': StartsWithNode,
  'ends with': EndsWithNode,
};

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'end of selector';
    case 'label':
      return `label ${JSON.stringify(token.value)}`;
    case 'string':
      return `string ${JSON.stringify(token.value)}`;
    case 'has':
      return `has(${token.value})`;
    case 'all':
    case 'global':
      return `${token.kind}()`;
    default:
      return `"${token.kind}"`;
  }
}

class Parser {
  private index = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  parseRoot(): SelectorNode {
    if (this.peek().kind === 'eof') return new AllNode();
    const node = this.parseOr();
    const rest = this.peek();
    if (rest.kind !== 'eof') {
      this.fail(
        rest,
        `unexpected ${describe(rest)} after a complete expression`,
        'join expressions with && or ||',
      );
    }
    return node;
  }

  /** The tokenizer always ends the list with `eof`, and the parser never moves past it. */
  private peek(): Token {
    return this.tokens[this.index] ?? this.tokens[this.tokens.length - 1]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private fail(at: Token, reason: string, hint?: string): never {
    throw new SelectorParseError(this.text, at.start, reason, hint);
  }

  private parseOr(): SelectorNode {
    const operands = [this.parseAnd()];
    while (this.peek().kind === '||') {
      this.next();
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? operands[0]! : new OrNode(operands);
  }

  private parseAnd(): SelectorNode {
    const operands = [this.parseOperation()];
    while (this.peek().kind === '&&') {
      this.next();
      operands.push(this.parseOperation());
    }
    return operands.length === 1 ? operands[0]! : new AndNode(operands);
  }

  private parseOperation(): SelectorNode {
    let negated = false;
    while (this.peek().kind === '!') {
      this.next();
      negated = !negated;
    }
    const node = this.parseOperand();
    return negated ? new NotNode(node) : node;
  }

  private parseOperand(): SelectorNode {
    const previous = this.tokens[this.index - 1];
    const token = this.next();
    switch (token.kind) {
      case 'has':
        return new HasNode(token.value);
      case 'all':
        return new AllNode();
      case 'global':
        return new GlobalNode();
      case 'label':
        return this.parseComparison(token);
      case '(': {
        const inner = this.parseOr();
        const close = this.peek();
        if (close.kind !== ')') {
          this.fail(
            close,
            `expected ")" to close "(" at position ${token.start}, found ${describe(close)}`,
            'every "(" needs a matching ")"',
          );
        }
        this.next();
        return inner;
      }
      default: {
        const after = previous ? ` after ${describe(previous)}` : '';
        return this.fail(token, `expected an expression${after}, found ${describe(token)}`);
      }
    }
  }

  private parseComparison(label: Token): SelectorNode {
    const op = this.next();
    const Comparison = COMPARISONS[op.kind];
    if (Comparison) {
      const value = this.next();
      if (value.kind !== 'string') {
        this.fail(
          value,
          `expected a quoted string after ${describe(op)}, found ${describe(value)}`,
          `quote the value: ${label.value} ${op.kind} "value"`,
        );
      }
      return new Comparison(label.value, value.value);
    }
    if (op.kind === 'in' || op.kind === 'not in') {
      const values = this.parseSet(op);
      return op.kind === 'in' ? new InSetNode(label.value, values) : new NotInSetNode(label.value, values);
    }
    return this.fail(
      op,
      `expected an operator (==, !=, in, not in, contains, starts with, ends with) after ${describe(label)}, found ${describe(op)}`,
      'a bare label is not a selector: use has(key) to test that a label exists',
    );
  }

  private parseSet(op: Token): string[] {
    const open = this.next();
    if (open.kind !== '{') {
      this.fail(open, `expected a set such as {"a", "b"} after ${describe(op)}, found ${describe(open)}`);
    }
    const values: string[] = [];
    for (;;) {
      const item = this.next();
      if (item.kind === '}') return values;
      if (item.kind !== 'string')
        this.fail(item, `expected a quoted string or "}" in set, found ${describe(item)}`);
      values.push(item.value);
      const sep = this.next();
      if (sep.kind === '}') return values;
      if (sep.kind !== ',') this.fail(sep, `expected "," or "}" in set, found ${describe(sep)}`);
    }
  }
}
