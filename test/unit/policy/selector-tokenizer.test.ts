import { describe, expect, it } from 'vitest';
import { isValidLabelKey, tokenize } from '../../../src/policy/selector/tokenizer.js';

// `kind(value)` per token, so a table row reads like the token stream.
function show(text: string): string {
  return tokenize(text)
    .map((t) => (t.value || t.kind === 'string' ? `${t.kind}(${t.value})` : t.kind))
    .join(' ');
}

describe('selector tokenizer', () => {
  const cases: Array<[input: string, tokens: string]> = [
    [`a=="b"`, 'label(a) == string(b) eof'],
    [`a!="b"`, 'label(a) != string(b) eof'],
    [`(a == "b")`, '( label(a) == string(b) ) eof'],
    [`contains contains 'contains'`, 'label(contains) contains string(contains) eof'],
    [`label contains"value"`, 'label(label) contains string(value) eof'],
    [`startswith starts with "v"`, 'label(startswith) starts with string(v) eof'],
    [`endswith endswith "v"`, 'label(endswith) ends with string(v) eof'],
    [`a starts  with "v"`, 'label(a) starts with string(v) eof'],
    [
      `a notin"bar"&&!has(foo)||b in"c"`,
      'label(a) not in string(bar) && ! has(foo) || label(b) in string(c) eof',
    ],
    [`a  not  in  {"x","y"}`, 'label(a) not in { string(x) , string(y) } eof'],
    [`has( calico/k8s_NS-.1/role )`, 'has(calico/k8s_NS-.1/role) eof'],
    [`global( ) || all()`, 'global || all eof'],
    [`a == ""`, 'label(a) == string() eof'],
    [`a == "x && y || (z)"`, 'label(a) == string(x && y || (z)) eof'],
    [`!!has(a)`, '! ! has(a) eof'],
    [``, 'eof'],
  ];
  for (const [input, tokens] of cases) {
    it(`splits ${JSON.stringify(input)} into ${tokens}`, () => {
      expect(show(input)).toBe(tokens);
    });
  }

  it('records where each token starts', () => {
    expect(tokenize(`a in {"x"} && has(b)`).map((t) => t.start)).toEqual([0, 2, 5, 6, 9, 11, 14, 20]);
  });
});

describe('isValidLabelKey', () => {
  const cases: Array<[key: string, valid: boolean]> = [
    ['app', true],
    ['kubernetes.io/metadata.name', true],
    ['projectcalico.org/name', true],
    ['k8s-app', true],
    ['', false],
    ['a b', false],
    ['a:b', false],
    ['k'.repeat(512), true],
    ['k'.repeat(513), false],
  ];
  for (const [key, valid] of cases) {
    it(`${JSON.stringify(key.length > 20 ? `${key.length} characters` : key)} is ${valid ? 'a valid' : 'not a valid'} label key`, () => {
      expect(isValidLabelKey(key)).toBe(valid);
    });
  }
});
