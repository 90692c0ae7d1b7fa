// `picocal policy new`: the guide's patterns as YAML, through js-yaml so that every value is quoted
// the way YAML needs it.
import { dump } from 'js-yaml';
import { InputError } from '../../errors.js';
import {
  DEFAULT_POD_CIDR,
  DEFAULT_SERVICE_CIDR,
  isPatternName,
  PATTERNS,
  type PatternName,
  type ScaffoldOptions,
} from './patterns.js';

export {
  DEFAULT_POD_CIDR,
  DEFAULT_SERVICE_CIDR,
  PATTERNS,
  isPatternName,
  type PatternName,
  type ScaffoldOptions,
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function scaffoldObjects(pattern: string, options: ScaffoldOptions): Record<string, unknown>[] {
  if (!isPatternName(pattern)) {
    throw new InputError(`unknown pattern '${pattern}'`, [
      {
        field: 'PATTERN',
        message: `'${pattern}' is not a pattern`,
        hint: `one of: ${Object.keys(PATTERNS).join(', ')}`,
      },
    ]);
  }
  if (!DNS_LABEL.test(options.namespace)) {
    throw new InputError(`--namespace '${options.namespace}' is not a valid namespace name`, [
      {
        field: '--namespace',
        message: 'namespace names are lowercase letters, digits and hyphens, at most 63',
        hint: 'e.g. --namespace myapp',
      },
    ]);
  }
  return PATTERNS[pattern].build(options);
}

export function scaffoldYaml(pattern: string, options: ScaffoldOptions): string {
  const header = `# picocal policy new ${pattern}: ${PATTERNS[pattern as PatternName]?.summary ?? ''}\n`;
  const objects = scaffoldObjects(pattern, options);
  return header + objects.map((o) => dump(o, { lineWidth: 120, noRefs: true })).join('---\n');
}

export function defaultScaffoldOptions(partial: Partial<ScaffoldOptions> = {}): ScaffoldOptions {
  return { namespace: 'default', podCidr: DEFAULT_POD_CIDR, serviceCidr: DEFAULT_SERVICE_CIDR, ...partial };
}
