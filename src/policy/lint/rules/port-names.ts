// Named ports refer to container ports, whose names Kubernetes restricts to IANA service names
// (RFC 6335): at most 15 characters, a-z 0-9 and single inner hyphens, at least one letter.
import type { PathSegment } from '../../../yaml/source-map.js';
import { RULES } from '../catalog.js';
import { describe, type Resource } from '../resource.js';
import type { LintContext } from '../rule.js';

export const MAX_PORT_NAME = 15;

export function portNameProblem(name: string): string | undefined {
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name)) {
    return 'may contain only lowercase letters, digits and hyphens, and must start and end with a letter or digit';
  }
  if (name.includes('--')) return 'must not contain two hyphens in a row';
  if (!/[a-z]/.test(name)) return 'must contain at least one letter';
  return undefined;
}

export function checkPortName(
  ctx: LintContext,
  r: Resource,
  path: PathSegment[],
  name: string,
  flavour: 'kubernetes' | 'calico',
): void {
  if (name.length > MAX_PORT_NAME) {
    ctx.report(
      RULES.portNameTooLong,
      r,
      path,
      `${describe(r)}: port name '${name}' is ${name.length} characters; container port names are at most ${MAX_PORT_NAME}, so it can never match`,
      'use the exact name of the container port (kubectl get pod -o yaml, spec.containers[].ports[].name), or its number',
    );
    return;
  }
  const problem = portNameProblem(name);
  if (problem) {
    const asNumber = /^[0-9]+$/.test(name) ? ` ('${name}' is a string: write the number without quotes)` : '';
    ctx.report(
      RULES.invalidPortName,
      r,
      path,
      `${describe(r)}: port name '${name}' ${problem}${asNumber}`,
      flavour === 'calico'
        ? 'Calico ports are numbers, ranges "low:high", or container port names'
        : 'use a container port name or a number',
    );
  }
}
