// `npm run bench`: every benchmark in one go, one JSON line each, for docs/BENCHMARKS.md. Lab benchmarks
// need root on Linux and are skipped (with a message) elsewhere.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BENCHES = [
  'policy-matrix.js',
  'lab-up-down.js',
  'verify-scaling.js',
  'bootstrap-vs-ansible.js',
  'upgrade-lab.js',
  'pi-profile-calibration.js',
  'pi-profile-workflows.js',
];

for (const b of BENCHES) {
  const file = join(here, b);
  if (!existsSync(file)) continue;
  process.stderr.write(`== ${b}\n`);
  const r = await execa('node', [file, ...process.argv.slice(2)], { stdio: 'inherit', reject: false });
  if (r.exitCode !== 0) process.stderr.write(`${b} exited ${r.exitCode}\n`);
}
