// A rule's `http` match (application layer policy): methods without duplicates, each path exactly
// one of exact/prefix, starting with '/' and without '?', '#' or spaces.
import { apiRule, isRecord, VALIDATOR, type Report } from './api-rule.js';

const BAD_PATH_CHARS = /[? #]/;

export const HTTP_RULES = {
  methods: apiRule(
    'http-methods',
    'Invalid methods (duplicates)',
    'list each HTTP method once',
    `${VALIDATOR}#L892-L899, #L926-L928`,
  ),
  pathBoth: apiRule(
    'http-path-exact-and-prefix',
    "Invalid path match. Both 'exact' and 'prefix' are set",
    'keep exact or prefix, not both',
    `${VALIDATOR}#L904-L906`,
  ),
  pathNone: apiRule(
    'http-path-empty',
    "Invalid path match. Either 'exact' or 'prefix' must be set",
    'give the path as exact: /x or prefix: /x',
    `${VALIDATOR}#L911-L913`,
  ),
  pathForm: apiRule(
    'http-path-form',
    'Invalid path (must start with `/` and not contain `?` or `#`)',
    'write an absolute path without query or fragment',
    `${VALIDATOR}#L914-L918`,
  ),
} as const;

export function checkHttp(value: unknown, at: (string | number)[], report: Report): void {
  if (!isRecord(value)) return;
  const methods = value['methods'];
  if (Array.isArray(methods) && new Set(methods.map(String)).size !== methods.length)
    report([...at, 'methods'], HTTP_RULES.methods, methods.map(String).join(', '));
  const paths = value['paths'];
  if (!Array.isArray(paths)) return;
  // Upstream stops at the first bad path and reports the list.
  for (const p of paths) {
    const m = isRecord(p) ? p : {};
    const exact = typeof m['exact'] === 'string' ? m['exact'] : '';
    const prefix = typeof m['prefix'] === 'string' ? m['prefix'] : '';
    const rule =
      exact && prefix
        ? HTTP_RULES.pathBoth
        : !exact && !prefix
          ? HTTP_RULES.pathNone
          : !(exact || prefix).startsWith('/') || BAD_PATH_CHARS.test(exact || prefix)
            ? HTTP_RULES.pathForm
            : undefined;
    if (rule) {
      report([...at, 'paths'], rule, exact || prefix || undefined);
      return;
    }
  }
}
