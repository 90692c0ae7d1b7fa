// One rule of the projectcalico.org/v3 API server's own validation, as picocal ports it: a stable id,
// Calico's reason (what the API server says), what to do instead, and where the rule is upstream.
// Upstream is libcalico-go's validator (the API server, calicoctl and the clients all call it), read at
// projectcalico/calico tag v3.32.1, commit 0ca9d1b93644778cafdf1812f3dda02ac0c361e8.
import type { PathSegment } from '../../yaml/source-map.js';

export const UPSTREAM_TAG = 'v3.32.1';
export const UPSTREAM_COMMIT = '0ca9d1b93644778cafdf1812f3dda02ac0c361e8';

export interface ApiRule {
  /** Stable id, shown in messages and used as the lint rule id after `calico-api/`. */
  id: string;
  /** What the API server refuses, in Calico's words where it has them. */
  reason: string;
  /** What the user should write instead. */
  hint: string;
  /** Upstream file and line (repository-relative, at UPSTREAM_TAG). */
  source: string;
}

/** Where a value sits; checks build the full path only when they report, to keep validation cheap. */
export type Path = readonly PathSegment[];

/** A rule broken at a field; `detail` names the offending value. */
export type Report = (path: PathSegment[], rule: ApiRule, detail?: string) => void;

export function apiRule(id: string, reason: string, hint: string, source: string): ApiRule {
  return { id, reason, hint, source };
}

export const VALIDATOR = 'libcalico-go/lib/validator/v3/validator.go';
export const POLICY_COMMON = 'api/pkg/apis/projectcalico/v3/policy_common.go';
export const NUMORSTRING = 'api/pkg/lib/numorstring';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A message for the user: the value (when there is one), Calico's reason, and the rule id. */
export function messageOf(rule: ApiRule, detail?: string): string {
  return `${detail ? `${detail}: ` : ''}${rule.reason} (Calico API rule ${rule.id})`;
}
