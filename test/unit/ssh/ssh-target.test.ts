import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { parseInventory } from '../../../src/inventory/load.js';
import { parseJumpSpec, sshTargetFor } from '../../../src/ssh/ssh-target.js';
import { classifyConnectError } from '../../../src/ssh/ssh-failure.js';

describe('parseJumpSpec', () => {
  it.each([
    ['bastion', { host: 'bastion' }],
    ['pi@bastion', { user: 'pi', host: 'bastion' }],
    ['pi@10.0.0.1:2222', { user: 'pi', host: '10.0.0.1', port: 2222 }],
    ['[fd00::1]:22', { host: 'fd00::1', port: 22 }],
    ['bastion:0', undefined],
    ['bastion:99999', undefined],
    ['pi@', undefined],
    ['a b', undefined],
    ['', undefined],
  ])('%j → %j', (spec, want) => {
    expect(parseJumpSpec(spec)).toEqual(want);
  });
});

const inventory = (jump: string) => `
all:
  vars:
    ansible_user: pi
    ansible_ssh_private_key_file: /keys/id
    picocal_known_hosts: /keys/known_hosts
    picocal:
      cluster_name: t
      calico_version: "3.32.1"
      kubernetes: { flavour: k3s }
      pod_cidr: 10.42.0.0/16
      service_cidr: 10.43.0.0/16
  children:
    control_plane:
      hosts:
        n1: { ansible_host: 10.0.0.1, ansible_port: 2200, ansible_user: admin }
    workers:
      hosts:
        n2: { ansible_host: 10.0.0.2, picocal_jump_host: "${jump}" }
`;

describe('sshTargetFor', () => {
  it('uses another inventory host, with its own user and port, as the jump host', () => {
    const inv = parseInventory(inventory('n1'), '/inv.yaml');
    const t = sshTargetFor(
      inv,
      inv.hosts.find((h) => h.name === 'n2')!,
    );
    expect(t).toMatchObject({ node: 'n2', host: '10.0.0.2', port: 22, user: 'pi', privateKey: '/keys/id' });
    expect(t.jump).toMatchObject({ label: 'n1', host: '10.0.0.1', port: 2200, user: 'admin' });
  });

  it('reads [user@]host[:port] with the node credentials otherwise', () => {
    const inv = parseInventory(inventory('ops@gw.lan:2022'), '/inv.yaml');
    const t = sshTargetFor(
      inv,
      inv.hosts.find((h) => h.name === 'n2')!,
    );
    expect(t.jump).toMatchObject({
      label: 'ops@gw.lan:2022',
      host: 'gw.lan',
      port: 2022,
      user: 'ops',
      knownHosts: '/keys/known_hosts',
    });
  });

  it('rejects a jump host that is neither, naming the field', () => {
    const inv = parseInventory(inventory('bad spec'), '/inv.yaml');
    const err = (() => {
      try {
        sshTargetFor(
          inv,
          inv.hosts.find((h) => h.name === 'n2')!,
        );
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems[0]?.field).toBe('n2.picocal_jump_host');
  });
});

describe('classifyConnectError', () => {
  const err = (message: string, extra: Record<string, unknown>) => Object.assign(new Error(message), extra);
  it.each([
    [err('connect ECONNREFUSED 10.0.0.1:22', { code: 'ECONNREFUSED' }), 'refused', true],
    [err('Timed out while waiting for handshake', { level: 'client-timeout' }), 'timeout', true],
    [err('connect EHOSTUNREACH', { code: 'EHOSTUNREACH' }), 'network', true],
    [err('getaddrinfo ENOTFOUND x', { code: 'ENOTFOUND', level: 'client-dns' }), 'dns', false],
    [err('All configured authentication methods failed', { level: 'client-authentication' }), 'auth', false],
    [
      err('Cannot parse privateKey: Encrypted private OpenSSH key detected, but no passphrase given', {}),
      'config',
      false,
    ],
    // ssh2's words when the server offers only host-key algorithms picocal does not (ssh-rsa, ssh-dss).
    [err('Handshake failed: no matching host key format', { level: 'handshake' }), 'host-key', false],
  ])('%s → %s (retry: %s)', (e, kind, retry) => {
    const c = classifyConnectError(e, 'pc-node2', '10.0.0.2', 5000);
    expect([c.kind, c.retryable, c.node]).toEqual([kind, retry, 'pc-node2']);
    expect(c.message).toContain('pc-node2');
    expect(c.hint).toBeTruthy();
  });
});
