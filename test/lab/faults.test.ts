// Fault injection on a real lab: each fault does what it says, seen from where a user would see it
// (the SSH client, `lab status`, the calico-node stand-in's faults file). Needs root on Linux.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../../src/lab/host-processes.js';
import { labHostProblem } from '../../src/lab/host-requirements.js';
import { labFault } from '../../src/lab/lab-fault.js';
import { labStatus } from '../../src/lab/lab-status.js';
import { readLabState, type NodeFaults } from '../../src/lab/lab-state.js';
import { runCli } from '../helpers/run-cli.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { nodeOf, ssh } from './helpers/ssh.js';

const LAB = 'faults-t';

async function liveState(node: string): Promise<string | undefined> {
  return (await labStatus(LAB)).nodes.find((n) => n.name === node)?.state;
}

function current() {
  const state = readLabState(`/tmp/pcl-${LAB}`);
  if (!state) throw new Error('lab state is gone');
  return state;
}

describeLab('lab faults', () => {
  const lab = useLab(LAB, 3, { apiServer: false });
  let gatewayMac = '';
  const bridgeMac = () => readFileSync(`/sys/class/net/${lab.state.bridge}/address`, 'utf8').trim();

  it('power-off stops the node: SSH fails and status says stopped', async () => {
    const n2 = nodeOf(lab.state, 'pc-node2');
    expect((await ssh(lab.state, n2, 'echo persisted > /root/disk-probe')).exitCode).toBe(0);
    const pid = n2.pid;
    gatewayMac = bridgeMac();
    const r = await labFault(LAB, 'pc-node2', 'power-off');
    expect(r.state).toBe('stopped');
    expect(isAlive(pid)).toBe(false);
    const attempt = await ssh(lab.state, n2, 'true', { connectTimeout: 2 });
    expect(attempt.exitCode).toBe(255);
    expect(await liveState('pc-node2')).toBe('stopped');
    // Nodes cache the gateway's MAC: a bridge that changed it with its ports would stall their traffic.
    expect(bridgeMac()).toBe(gatewayMac);
  });

  it('power-on boots it again with the same host key (strict checking passes) and the same disk', async () => {
    const r = await labFault(LAB, 'pc-node2', 'power-on');
    expect(r.state).toBe('running');
    const n2 = nodeOf(current(), 'pc-node2');
    const back = await ssh(current(), n2, 'cat /root/disk-probe; hostname');
    expect(back.exitCode).toBe(0);
    expect(back.stdout).toBe('persisted\npc-node2');
    expect(n2.hostKeyFingerprint).toBe(nodeOf(lab.state, 'pc-node2').hostKeyFingerprint);
    expect(await liveState('pc-node2')).toBe('running');
    expect(bridgeMac()).toBe(gatewayMac);
  });

  it('partition makes SSH time out fast (ConnectTimeout), heal brings it back', async () => {
    const n3 = nodeOf(current(), 'pc-node3');
    await labFault(LAB, 'pc-node3', 'partition');
    expect(await liveState('pc-node3')).toBe('partitioned');
    const cut = await ssh(current(), n3, 'true', { connectTimeout: 2 });
    expect(cut.exitCode).toBe(255);
    expect(cut.stderr).toMatch(/timed out|No route to host/i);
    expect(cut.ms).toBeLessThan(6_000);
    await labFault(LAB, 'pc-node3', 'heal');
    expect((await ssh(current(), n3, 'hostname')).stdout).toBe('pc-node3');
    expect(await liveState('pc-node3')).toBe('running');
  });

  it('sshd-stop refuses new SSH connections while the node keeps running; heal restarts sshd', async () => {
    const n1 = nodeOf(current(), 'pc-node1');
    await labFault(LAB, 'pc-node1', 'sshd-stop');
    const refused = await ssh(current(), n1, 'true', { connectTimeout: 2 });
    expect(refused.exitCode).toBe(255);
    expect(refused.stderr).toMatch(/Connection refused/);
    expect(isAlive(n1.pid)).toBe(true);
    expect(await liveState('pc-node1')).toBe('sshd-down');
    await labFault(LAB, 'pc-node1', 'heal');
    expect((await ssh(current(), n1, 'hostname')).stdout).toBe('pc-node1');
  });

  // Cumulative, in order: each row is applied on top of the ones before it.
  const calicoFaults: [string, string | undefined, NodeFaults][] = [
    ['calico-unready', undefined, { calicoUnready: true }],
    ['calico-crash', undefined, { calicoUnready: true, calicoCrash: true }],
    ['slow-start', '20', { calicoUnready: true, calicoCrash: true, slowStartSeconds: 20 }],
    [
      'fail-version',
      'v3.32.1',
      { calicoUnready: true, calicoCrash: true, slowStartSeconds: 20, failVersions: ['v3.32.1'] },
    ],
    ['clear', undefined, {}],
  ];
  it.each(calicoFaults)('%s %s writes the calico-node faults file', async (kind, arg, expected) => {
    await labFault(LAB, '3', kind, arg);
    const file = join(current().faultsDir, 'pc-node3.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(expected);
  });

  it('fail-version only affects the node it names', async () => {
    await labFault(LAB, 'pc-node3', 'fail-version', '3.32.1');
    const r = await runCli(['lab', 'fault', 'pc-node1', 'clear', '--name', LAB, '--output', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(current().faultsDir, 'pc-node3.json'), 'utf8'))).toEqual({
      failVersions: ['3.32.1'],
    });
    await labFault(LAB, 'pc-node3', 'clear');
  });

  const badInput: [string[], RegExp][] = [
    [['pc-node1', 'melt'], /unknown fault 'melt'/],
    [['pc-node9', 'power-off'], /has no node 'pc-node9'/],
    [['pc-node1', 'slow-start', 'soon'], /slow-start needs a number of seconds/],
    [['pc-node1', 'fail-version', 'latest'], /fail-version needs a Calico version/],
    [['pc-node1'], /usage: picocal lab fault NODE KIND/],
  ];
  it.each(badInput)('`lab fault %j` is a usage error (exit 2)', async (args, message) => {
    const r = await runCli(['lab', 'fault', ...args, '--name', LAB]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('network faults on a powered-off node say to power it on first', async () => {
    await labFault(LAB, 'pc-node2', 'power-off');
    await expect(labFault(LAB, 'pc-node2', 'partition')).rejects.toThrow(/powered off/);
    await labFault(LAB, 'pc-node2', 'power-on');
  });
});

describe('lab fault without a lab', () => {
  it('names the missing lab and how to start it', async () => {
    const r = await runCli(['lab', 'fault', 'pc-node1', 'power-off', '--name', 'no-such-lab']);
    // A name that matches no lab is bad input (exit 2): the message lists the labs there are, or how to start one.
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no lab named 'no-such-lab'|needs Linux|needs root/);
    if (!labHostProblem())
      expect(r.stderr).toMatch(/labs here: |start one with `picocal lab up --name no-such-lab`/);
  });
});
