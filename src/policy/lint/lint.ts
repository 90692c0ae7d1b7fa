// The linter: read the files, run every check over all objects at once (some rules need the whole
// set: DNS per namespace, network sets and the policies that select them, tiers), then order the
// findings so that two runs over the same files print the same thing.
import type { CalicoSchemas } from './calico-schemas.js';
import { compareFindings, type Finding } from './finding.js';
import { collectResources } from './resource.js';
import { LintContext } from './rule.js';
import { API_RULE_PREFIX, checkCalicoApi } from './rules/calico-api.js';
import { checkCalicoRules } from './rules/calico-rules.js';
import { checkDns } from './rules/dns.js';
import { checkIgnoredRules } from './rules/ignored-rules.js';
import { checkAddresses } from './rules/ip-blocks.js';
import { checkKubernetesPorts } from './rules/kubernetes-ports.js';
import { checkNeighbours } from './rules/neighbours.js';
import { checkNetworkSets } from './rules/network-sets.js';
import { checkDuplicates, checkSchemas } from './rules/schema.js';
import { checkCalicoSelectors, checkKubernetesSelectors } from './rules/selectors.js';
import { checkTiers } from './rules/tiers.js';
import { readSources, type SourceFile } from './sources.js';

const CHECKS: ((ctx: LintContext) => void)[] = [
  checkSchemas,
  checkDuplicates,
  checkKubernetesPorts,
  checkKubernetesSelectors,
  checkCalicoSelectors,
  checkAddresses,
  checkCalicoRules,
  checkCalicoApi,
  checkIgnoredRules,
  checkDns,
  checkNetworkSets,
  checkTiers,
  checkNeighbours,
];

/** Generic schema findings give way to a specific rule's finding about the same field. */
const GENERIC = new Set(['schema', 'unknown-field']);

const isApi = (f: Finding) => f.rule.startsWith(API_RULE_PREFIX);

/**
 * One finding per problem: generic schema findings give way to any other finding on the field, and
 * the Calico API's own rules give way to a linter error on the field (its hint is the more specific).
 */
function dedupe(findings: Finding[]): Finding[] {
  const fieldKey = (f: Finding) => `${f.file}|${f.field}`;
  const specific = new Set(findings.filter((f) => !GENERIC.has(f.rule)).map(fieldKey));
  const lintErrors = new Set(
    findings.filter((f) => !GENERIC.has(f.rule) && !isApi(f) && f.severity === 'error').map(fieldKey),
  );
  const seen = new Set<string>();
  return findings.filter((f) => {
    if (GENERIC.has(f.rule) && specific.has(fieldKey(f))) return false;
    if (isApi(f) && lintErrors.has(fieldKey(f))) return false;
    const key = `${f.file}|${f.line}|${f.column}|${f.rule}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface LintResult {
  files: string[];
  /** Objects looked at (documents and List items). */
  objects: number;
  findings: Finding[];
}

export interface LintOptions {
  /**
   * Calico's CRD schemas (loadCalicoSchemas). Without them the projectcalico.org/v3 objects are not
   * schema-checked, nor Kubernetes NetworkPolicy for unknown fields; every other rule runs.
   */
  calico?: CalicoSchemas | undefined;
}

export function lintSources(sources: readonly SourceFile[], opts: LintOptions = {}): LintResult {
  const resources = collectResources(sources);
  const ctx = new LintContext(resources, opts.calico);
  for (const check of CHECKS) check(ctx);
  return {
    files: sources.map((s) => s.file),
    objects: resources.length,
    findings: dedupe(ctx.findings).sort(compareFindings),
  };
}

/** Lint files and folders; throws InputError (exit 2) when any of them cannot be read or parsed. */
export function lintPaths(paths: readonly string[], cwd: string, opts: LintOptions = {}): LintResult {
  return lintSources(readSources(paths, cwd), opts);
}
