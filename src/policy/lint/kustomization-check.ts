// Drift between a policy folder and its kustomization.yaml. The file lists the policy files Flux
// applies (kustomize applies what `resources:` names and nothing else,
// https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/resource/), so a policy added
// to the folder later is silently not deployed. `picocal policy lint DIR` reports each file left out,
// and each listed file that is gone (kustomize build fails on it), with the fix.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { RULES } from './catalog.js';
import type { Finding } from './finding.js';
import { parseYamlDocuments } from '../../yaml/source-map.js';
import { scanPolicyFolder } from '../load/policy-files.js';

const NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** A remote or absolute resource, which this folder's files cannot be compared with. */
function isLocal(entry: string): boolean {
  return !/^[a-z]+:\/\//i.test(entry) && !entry.startsWith('/') && !entry.startsWith('..');
}

/** Findings for `folder` (absolute), shown as `shownAs`; none when it has no kustomization file. */
export function kustomizationFindings(folder: string, shownAs: string): Finding[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return [];
  const name = NAMES.find((n) => existsSync(join(folder, n)));
  if (!name) return [];
  const file = join(shownAs, name);
  const [doc] = parseYamlDocuments(readFileSync(join(folder, name), 'utf8'), file);
  const value = doc?.value;
  const list =
    value && typeof value === 'object' && Array.isArray((value as { resources?: unknown }).resources)
      ? ((value as { resources: unknown[] }).resources.filter((r) => typeof r === 'string') as string[])
      : [];
  const at = (path: Array<string | number>) =>
    doc?.locate(path) ?? doc?.location ?? { file, line: 1, column: 1 };
  const listed = list.map((r) => posix.normalize(r).replace(/\/$/, ''));
  const covered = (f: string) => listed.some((r) => r === f || f.startsWith(`${r}/`));
  const findings: Finding[] = [];
  const fix = `run 'picocal gitops flux --path ${shownAs} --force' to list every policy file again, or edit ${file}`;
  const resourcesAt = at(['resources']);
  for (const f of scanPolicyFolder(folder, shownAs).resources) {
    if (covered(f)) continue;
    findings.push({
      rule: RULES.kustomizationDrift.id,
      severity: RULES.kustomizationDrift.severity,
      file,
      line: resourcesAt.line,
      column: resourcesAt.column,
      field: 'resources',
      message: `${f} is a policy file of the folder that resources: does not list: Flux will not deploy it`,
      hint: fix,
    });
  }
  list.forEach((entry, i) => {
    if (!isLocal(entry) || existsSync(join(folder, entry))) return;
    const loc = at(['resources', i]);
    findings.push({
      rule: RULES.kustomizationDrift.id,
      severity: RULES.kustomizationDrift.severity,
      file,
      line: loc.line,
      column: loc.column,
      field: `resources[${i}]`,
      message: `resources: lists ${entry}, which does not exist: kustomize build (and Flux) will fail`,
      hint: fix,
    });
  });
  return findings;
}
