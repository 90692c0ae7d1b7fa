// `picocal lab status`: the lab's files and each node's live state (LAB ONLY).
import { labStatus, type LabStatus } from '../../lab/lab-status.js';
import type { Output } from '../../core/output.js';
import type { Command } from '../command.js';
import { LAB_NAME_OPTION, whichLab } from './lab-which.js';

export function printLabStatus(out: Output, s: LabStatus): void {
  out.print(`lab ${s.name}: ${s.dir}`);
  out.print(`  inventory   ${s.inventory}`);
  out.print(`  known_hosts ${s.knownHosts}`);
  out.print(`  key         ${s.privateKey}`);
  out.print(`  ansible.cfg ${s.ansibleCfg}`);
  out.print(`  kubeconfig  ${s.kubeconfig}`);
  out.print(`  api server  ${s.apiServer.url} (${s.apiServer.running ? 'running' : 'not running'})`);
  const width = Math.max(4, ...s.nodes.map((n) => n.name.length));
  out.print(`  ${'NODE'.padEnd(width)}  ${'ADDRESS'.padEnd(15)}  ${'ROLE'.padEnd(13)}  STATE`);
  for (const n of s.nodes) {
    out.print(`  ${n.name.padEnd(width)}  ${n.address.padEnd(15)}  ${n.role.padEnd(13)}  ${n.state}`);
  }
}

export const labStatusCommand: Command = {
  name: 'lab status',
  summary: "show a lab's files and whether each node runs, is reachable and answers SSH",
  options: {
    name: LAB_NAME_OPTION,
  },
  async run(ctx) {
    const status = await labStatus(whichLab(ctx).name);
    ctx.out.json(status);
    printLabStatus(ctx.out, status);
    return status.nodes.every((n) => n.state === 'running') ? 0 : 3;
  },
};
