// Before bootstrap or reprovision changes anything: the Kubernetes version the cluster runs must be one the
// inventory's Calico version is tested with (catalog/kubernetes-support.ts), unless the user passed
// --allow-unsupported-kubernetes (then a loud warning). reprovision only warns: the version guard before it
// made sure it installs the Calico the cluster already runs, and refusing would only block repairing a board. Read-only: a dry run evaluates it too and shows a
// refusal as WOULD BE REFUSED (exit 2).
import { checkKubernetesSupport } from '../../catalog/kubernetes-support.js';
import { requireRelease } from '../../catalog/versions.js';
import { readKubernetesVersion } from '../../cluster/kubernetes-version.js';
import type { Phase } from '../../core/phase.js';
import { EXIT, PicocalError } from '../../errors.js';
import type { ProvisionContext } from '../context.js';
import { CALICO_VERSION_FIELD, locateCalicoVersion } from '../version-guard.js';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function kubernetesGuardPhase(kind: 'bootstrap' | 'reprovision'): Phase<ProvisionContext> {
  return {
    title: 'Check the Kubernetes version against what calico_version supports',
    run: (ctx) =>
      ctx.changes.check(async () => {
        const target = ctx.shell.node;
        const inv = ctx.inventory.file;
        let server: string;
        try {
          server = await readKubernetesVersion(ctx.shell);
        } catch (err) {
          return {
            entries: [
              {
                target,
                action: `kubernetes: ${message(err)}`,
                verdict: 'WOULD FAIL',
                exitCode: err instanceof PicocalError ? err.exitCode : EXIT.failed,
              },
            ],
            error: err,
          };
        }
        const verdict = checkKubernetesSupport({
          kind,
          release: requireRelease(ctx.inventory.cluster.calico_version),
          server,
          allow: ctx.allowUnsupportedKubernetes === true,
          ...(kind === 'reprovision'
            ? {
                warnOnly:
                  'because reprovision installs the Calico the cluster already runs (upgrade Calico or Kubernetes to get back into the tested range)',
              }
            : {}),
          field: CALICO_VERSION_FIELD,
          location: locateCalicoVersion(inv),
          pick: (v) => `set calico_version: "${v}" in ${inv}`,
        });
        if (verdict.ok) {
          return {
            entries: [{ target, action: `kubernetes: ${verdict.line}`, verdict: 'PASS' }],
            passed: () => ctx.out.detail(`[${target}] ${verdict.line}`),
          };
        }
        if (verdict.overridden) {
          // Loud in both modes: a dry run's plan row and a warning, a real run's warning.
          ctx.out.warn(`[${target}] ${verdict.warning}`);
          return { entries: [{ target, action: `kubernetes: ${verdict.warning}`, verdict: 'PASS' }] };
        }
        const err = verdict.error;
        return {
          entries: [
            {
              target,
              action: `kubernetes: ${err.message} (${err.problems[0]?.hint ?? ''})`,
              verdict: 'WOULD BE REFUSED',
              exitCode: err.exitCode,
            },
          ],
          error: err,
        };
      }),
  };
}
