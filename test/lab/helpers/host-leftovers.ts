// Everything a lab could leave on the host, found by the lab's own names: the "down leaves nothing" check.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { commandLine, mentionsDir } from '../../../src/lab/host-processes.js';
import { labIdentity } from '../../../src/lab/lab-naming.js';

export interface Leftovers {
  netns: string[];
  links: string[];
  routes: string[];
  rules: string[];
  mounts: string[];
  processes: string[];
  dir: boolean;
}

export async function leftovers(name: string): Promise<Leftovers> {
  const lab = labIdentity(name);
  const netns = existsSync('/run/netns')
    ? readdirSync('/run/netns').filter((n) => n.startsWith(lab.netnsPrefix))
    : [];
  const links = readdirSync('/sys/class/net').filter((l) => l === lab.bridge || l.startsWith(lab.vethPrefix));
  const subnetPrefix = lab.subnet.replace(/0\/24$/, '');
  const routes = (await execa('ip', ['-4', '-o', 'route', 'show', 'table', 'all'])).stdout
    .split('\n')
    .filter((l) => l.includes(lab.subnet) || l.includes(lab.bridge) || l.includes(` ${subnetPrefix}`));
  const rules = (await execa('iptables', ['-w', '-S'])).stdout
    .split('\n')
    .filter((l) => l.includes(lab.ruleComment));
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(lab.dir) || l.includes(`/run/netns/${lab.netnsPrefix}`));
  const processes: string[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(e) || Number(e) === process.pid) continue;
    const argv = commandLine(Number(e));
    if (mentionsDir(argv, lab.dir) || argv.some((a) => a.includes(lab.netnsPrefix))) {
      processes.push(`${e}: ${argv.join(' ')}`);
    }
  }
  return { netns, links, routes, rules, mounts, processes, dir: existsSync(lab.dir) };
}

export const NOTHING: Leftovers = {
  netns: [],
  links: [],
  routes: [],
  rules: [],
  mounts: [],
  processes: [],
  dir: false,
};
