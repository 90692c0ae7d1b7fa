// The lab's board profiles (`lab up --profile pi4|pi5|fast`): what a board of each kind costs, as published
// figures, so that a lab board can be slowed to it. `fast` is today's lab: boards as fast as the host.
// LAB ONLY: nothing here applies to a real cluster.
//
// CPU, the fixed workload: `/usr/bin/python3 -c pass` (what every Ansible module run starts with), wall time on
// one core of an idle board.
//   - Raspberry Pi 3 (arm64, Debian): Python 3.6 start-up 197.79 ms, and 25.84 ms on an Intel Core i5-2400S
//     (https://github.com/bdrung/startup-time README, "Results", 2018-02-10).
//   - Single-core speed Pi 3+ : Pi 4 : Pi 5 = 687.45 : 1477.83 : 2737.49 sysbench cpu events/s
//     (sysbench 1.0.20, `sysbench cpu --threads=1`, https://leoncode.co.uk/articles/raspberry-pi-benchmarks).
//   - So: Pi 4 ≈ 197.79 × 687.45 / 1477.83 ≈ 92 ms, Pi 5 ≈ 92 × 1477.83 / 2737.49 ≈ 50 ms. Derived figures
//     (no published Pi 4/5 Python start-up time was found); bench/pi-profile-calibration.ts measures what
//     a profiled lab board does against them.
// Network: a wired gigabit home LAN through one switch, RTT ≈ 173 µs
//   (https://www.linux-magazine.com/Issues/2014/165/Pinger, "Cable Length": 172.877 µs average through a
//   gigabit switch); modelled as 90 µs ± 20 µs each way on the board's link.
// Storage: the Raspberry Pi A2 microSD card, 4 KiB random read 3,200 IOPS and write 1,200 IOPS on a Pi 4
//   (DDR50), 5,000 and 2,000 on a Pi 5 (SDR104) (Raspberry Pi's card specification, quoted at
//   https://vmme.org/?p=5670); sequential ≈ 45 MB/s on a Pi 4 (DDR50 bus), ≈ 90 MB/s on a Pi 5
//   (https://zhonguncle.github.io/blogs/31b3837229d1c680ac512eb13a35047d.html, "I/O speed").
import { UsageError } from '../../errors.js';

export const LAB_PROFILES = ['fast', 'pi4', 'pi5'] as const;
export type LabProfileName = (typeof LAB_PROFILES)[number];
export const DEFAULT_LAB_PROFILE: LabProfileName = 'fast';

export interface BoardModel {
  name: LabProfileName;
  /** What the profile models, for messages. */
  board: string;
  /** Wall time of `/usr/bin/python3 -c pass` on the modelled board, milliseconds. */
  pythonStartMs: number;
  /** One-way delay and jitter of the board's link (netem), microseconds. */
  link: { delayUs: number; jitterUs: number };
  /** The board's boot medium (cgroup io limits). */
  disk: { readIops: number; writeIops: number; readBps: number; writeBps: number };
}

const MB = 1_000_000;
const WIRED_HOME_LAN = { delayUs: 90, jitterUs: 20 };

export const BOARD_MODELS: Record<Exclude<LabProfileName, 'fast'>, BoardModel> = {
  pi4: {
    name: 'pi4',
    board: 'Raspberry Pi 4 Model B (Cortex-A72 1.8 GHz, A2 microSD, wired gigabit LAN)',
    pythonStartMs: 92,
    link: WIRED_HOME_LAN,
    disk: { readIops: 3_200, writeIops: 1_200, readBps: 45 * MB, writeBps: 45 * MB },
  },
  pi5: {
    name: 'pi5',
    board: 'Raspberry Pi 5 (Cortex-A76 2.4 GHz, A2 microSD, wired gigabit LAN)',
    pythonStartMs: 50,
    link: WIRED_HOME_LAN,
    disk: { readIops: 5_000, writeIops: 2_000, readBps: 90 * MB, writeBps: 90 * MB },
  },
};

export function parseLabProfile(text: string): LabProfileName {
  if ((LAB_PROFILES as readonly string[]).includes(text)) return text as LabProfileName;
  throw new UsageError(`--profile must be one of ${LAB_PROFILES.join(', ')}, not '${text}'`);
}

export function boardModel(name: LabProfileName): BoardModel | undefined {
  return name === 'fast' ? undefined : BOARD_MODELS[name];
}
