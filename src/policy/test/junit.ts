// JUnit XML as GitHub, GitLab, Jenkins and the common report actions read it: one <testsuite> per test
// file, one <testcase> per expectation, a <failure> whose message is the explanation of the verdict.
import type { TestResult } from './run.js';

// XML 1.0 forbids most control characters even when escaped: drop them rather than emit a file the
// CI parser rejects.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(text: string, attribute = false): string {
  const escaped = text
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
  // Attribute values lose raw newlines to normalisation; character references keep them.
  return attribute ? escaped.replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;') : escaped;
}

const attr = (name: string, value: string | number) => `${name}="${xmlEscape(String(value), true)}"`;

export function junitXml(
  file: string,
  results: readonly TestResult[],
  seconds: number,
  timestamp: Date,
): string {
  const failures = results.filter((r) => !r.passed).length;
  const time = seconds.toFixed(3);
  const counts = [attr('tests', results.length), attr('failures', failures), attr('errors', 0)];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${[attr('name', 'picocal policy test'), ...counts, attr('time', time)].join(' ')}>`,
    `  <testsuite ${[
      attr('name', file),
      ...counts,
      attr('skipped', 0),
      attr('time', time),
      attr('timestamp', timestamp.toISOString().replace(/\.\d+Z$/, '')),
    ].join(' ')}>`,
  ];
  for (const r of results) {
    const e = r.expectation;
    const head = `    <testcase ${[
      attr('classname', file),
      attr('name', e.name),
      attr('file', e.location.file),
      attr('line', e.location.line),
      attr('time', '0'),
    ].join(' ')}`;
    if (r.passed) {
      lines.push(`${head}/>`);
      continue;
    }
    const message = `expected ${e.expect}, got ${r.actual}: ${r.flow}`;
    const body = [message, ...r.explanation].join('\n');
    lines.push(`${head}>`);
    lines.push(
      `      <failure ${attr('message', [message, ...r.explanation].join('\n'))} ${attr('type', 'PolicyExpectation')}>${xmlEscape(body)}</failure>`,
    );
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
