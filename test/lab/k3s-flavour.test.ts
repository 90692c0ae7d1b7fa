// Bootstrap on boards as a default k3s install leaves them (review ansible-and-real-cluster.md 1.4, issue 15):
// flannel's CNI config in k3s's agent directory, /run/flannel/subnet.env, a flannel.1 link, k3s's unit with no
// networking flags. Before the CNI check, bootstrap installed Calico there and verify called the cluster
// healthy while every pod stayed on flannel. Now it refuses with exit 2, names the fix
// (`picocal k3s-config`), and changes nothing; after the printed fix is applied it goes on.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { SHARED_CALICO, sharedCalicoAvailable } from '../helpers/shared.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { ssh } from './helpers/ssh.js';
import { labWorkDir, type LabWorkDir } from './helpers/work-dir.js';

const LAB = 'k3d';

describeLab('bootstrap on a default k3s install (flannel on)', () => {
  const lab = useLab(LAB, 2, { apiServer: true, user: 'pi', flavour: 'k3s-default' });
  const artifacts = sharedCalicoAvailable() ? ['--artifacts', SHARED_CALICO] : ['--lab-manifests'];
  let wd: LabWorkDir | undefined;
  afterAll(() => {
    if (wd) rmSync(wd.work, { recursive: true, force: true });
  });
  const work = (): LabWorkDir => (wd ??= labWorkDir('picocal-k3d-', lab.state, '3.32.1'));
  const bootstrap = () =>
    runCli(['bootstrap', '-i', work().inventory, ...artifacts, '--out', join(work().work, 'build')], {
      cwd: work().work,
    });

  it('boards look like a default k3s install', async () => {
    const [n1, n2] = lab.state.nodes;
    const r = await ssh(
      lab.state,
      n2!,
      'ls /var/lib/rancher/k3s/agent/etc/cni/net.d; ip -o link show dev flannel.1 | cut -d" " -f2; ' +
        'sed -n s/^FLANNEL_NETWORK=//p /run/flannel/subnet.env; test -e /etc/rancher/k3s/config.yaml; echo config=$?',
    );
    expect(r.stdout).toBe('10-flannel.conflist\nflannel.1:\n10.42.0.0/16\nconfig=1');
    expect(
      (await ssh(lab.state, n1!, 'grep -c flannel-backend /etc/systemd/system/k3s.service')).stdout,
    ).toBe('0');
  }, 60_000);

  it('bootstrap refuses with exit 2 before any change, naming each board and the fix', async () => {
    const r = await bootstrap();
    expect(r.code, r.stderr).toBe(2);
    for (const node of ['pc-node1', 'pc-node2'])
      expect(r.stderr).toMatch(
        new RegExp(
          `${node}: flannel is \\(or was\\) this board's CNI: found .*10-flannel\\.conflist, link flannel\\.1, /run/flannel/subnet\\.env`,
        ),
      );
    expect(r.stderr).toMatch(/pc-node1: k3s runs with flannel-backend vxlan \(k3s default\)/);
    expect(r.stderr).toMatch(/pc-node1: k3s's network-policy controller \(kube-router\) is on/);
    expect(r.stderr).toMatch(/pod_cidr 192\.168\.0\.0\/16 is not inside k3s's cluster-cidr 10\.42\.0\.0\/16/);
    expect(r.stderr).toMatch(
      /fix: put the lines `picocal k3s-config -i .*inventory\.yaml` prints into \/etc\/rancher\/k3s\/config\.yaml/,
    );
    // Nothing changed: no Ansible run, no node prep on any board, nothing applied to the API.
    for (const n of lab.state.nodes)
      expect((await ssh(lab.state, n, 'test -e /etc/modules-load.d/calico.conf')).exitCode, n.name).not.toBe(
        0,
      );
  }, 300_000);

  it('after the printed fix (config.yaml from `picocal k3s-config`, flannel leftovers removed) the check passes', async () => {
    const printed = await runCli(['k3s-config', '-i', work().inventory]);
    expect(printed.code).toBe(0);
    const [n1] = lab.state.nodes;
    const b64 = Buffer.from(printed.stdout).toString('base64');
    const put = await ssh(
      lab.state,
      n1!,
      `echo ${b64} | base64 -d | sudo -n tee /etc/rancher/k3s/config.yaml >/dev/null`,
    );
    expect(put.exitCode, put.stderr).toBe(0);
    for (const n of lab.state.nodes)
      await ssh(
        lab.state,
        n,
        'sudo -n ip link delete flannel.1; sudo -n rm -f /run/flannel/subnet.env /var/lib/rancher/k3s/agent/etc/cni/net.d/10-flannel.conflist',
      );
    const r = await runCli(
      ['bootstrap', '-i', work().inventory, ...artifacts, '--out', join(work().work, 'build')],
      { cwd: work().work },
    );
    expect(r.stderr).not.toMatch(/E_CNI|not ready for Calico/);
    expect(r.code, r.stderr).toBe(0);
  }, 600_000);

  it('calicoctl comes with its datastore config on the control plane and works there; without one it refuses as calicoctl does', async () => {
    const [n1, n2] = lab.state.nodes;
    const cfg = await ssh(lab.state, n1!, 'cat /etc/calico/calicoctl.cfg');
    expect(cfg.stdout).toMatch(/^kind: CalicoAPIConfig$/m);
    expect(cfg.stdout).toMatch(/^ {2}datastoreType: kubernetes$/m);
    expect(cfg.stdout).toMatch(/^ {2}kubeconfig: "\/etc\/rancher\/k3s\/k3s\.yaml"$/m);
    const version = await ssh(lab.state, n1!, 'sudo -n calicoctl version');
    expect(version.exitCode, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/^Cluster Version:\s+v3\.32\.1$/m);
    // As pi the config's kubeconfig (k3s's, root-only) cannot be read: calicoctl says so and fails.
    const asPi = await ssh(lab.state, n1!, 'calicoctl version');
    expect(asPi.exitCode).toBe(1);
    expect(asPi.stderr).toMatch(
      /Unable to retrieve Cluster Version or Type: open \/etc\/rancher\/k3s\/k3s\.yaml: permission denied/,
    );
    // A worker has the binary (node status needs no datastore) but no config: datastore commands refuse.
    const ipam = await ssh(lab.state, n2!, 'calicoctl ipam show');
    expect(ipam.exitCode).toBe(1);
    expect(ipam.stderr).toMatch(/invalid configuration: no configuration has been provided/);
  }, 120_000);
});
