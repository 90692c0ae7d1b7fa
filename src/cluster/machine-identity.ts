// Which machine, and which boot of it, a process runs on: what a lock records so that "its owner is dead"
// is only ever concluded about a process on this very machine in this very boot. A hostname alone does not
// do (every fresh Raspberry Pi is `raspberrypi`, CI runners and cloned images share names); machine-id
// (systemd's machine-id(5)) names the installation and the kernel's random boot_id names the boot, so a pid
// is only compared when all three match.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface MachineIdentity {
  host: string;
  /** /etc/machine-id (or D-Bus's copy); undefined where the system has none (macOS, some containers). */
  machine: string | undefined;
  /** /proc/sys/kernel/random/boot_id; undefined off Linux. */
  boot: string | undefined;
}

function firstLine(paths: readonly string[]): string | undefined {
  for (const p of paths) {
    try {
      const v = readFileSync(p, 'utf8').trim();
      if (/^[0-9a-f-]{16,64}$/i.test(v)) return v.toLowerCase();
    } catch {
      // not there: try the next
    }
  }
  return undefined;
}

export function machineHere(): MachineIdentity {
  return {
    host: hostname(),
    machine: firstLine(['/etc/machine-id', '/var/lib/dbus/machine-id']),
    boot: firstLine(['/proc/sys/kernel/random/boot_id']),
  };
}

/** True only when both sides name the same host, installation and boot (nothing unknown on either side). */
export function sameBoot(a: MachineIdentity, b: MachineIdentity): boolean {
  return (
    a.host === b.host &&
    a.machine !== undefined &&
    a.boot !== undefined &&
    a.machine === b.machine &&
    a.boot === b.boot
  );
}
