// What picocal says about the calicoctl set a run resolved: each file's sha256 and source, the LAB-ONLY
// stand-in, and the architectures left without one (bootstrap, upgrade and `picocal artifacts` alike).
import type { CalicoRelease } from '../catalog/versions.js';
import type { Reporter } from '../core/reporter.js';
import type { CalicoctlSet } from './calicoctl.js';

export function reportCalicoctl(set: CalicoctlSet, release: CalicoRelease, out: Reporter): void {
  if (set.labOnly) {
    out.warn(
      `using the LAB-ONLY calicoctl stand-in for ${release.tag}: a shell script, for the virtual PicoCluster only`,
    );
  }
  for (const f of set.files) out.detail(`calicoctl-linux-${f.arch}: sha256 ${f.sha256} (${f.source})`);
  for (const m of set.missing)
    out.warn(`calicoctl will not be installed for ${m.arch} boards: ${m.reason}; ${m.hint}`);
}
