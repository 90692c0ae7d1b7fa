import { describe, expect, it } from 'vitest';
import { InputError, formatProblem } from '../../../src/errors.js';
import { parseInventory } from '../../../src/inventory/load.js';
import { TIMEOUT_DEFAULTS } from '../../../src/inventory/timeouts.js';

const inventory = (timeouts: string) => `all:
  vars:
    picocal:
      cluster_name: demo
      calico_version: "3.32.1"
      kubernetes:
        flavour: k3s
      pod_cidr: 10.42.0.0/16
      service_cidr: 10.43.0.0/16
${timeouts}
  children:
    control_plane:
      hosts:
        cp1:
          ansible_host: 192.168.1.10
`;

function problemsOf(text: string) {
  try {
    parseInventory(text, 'inv.yaml');
  } catch (err) {
    if (err instanceof InputError) return err.problems;
    throw err;
  }
  return [];
}

describe('picocal.timeouts in the inventory', () => {
  it('defaults to the Pi-sized values when absent', () => {
    expect(parseInventory(inventory(''), 'inv.yaml').cluster.timeouts).toEqual(TIMEOUT_DEFAULTS);
  });

  it('takes each setting given and defaults the others', () => {
    const inv = parseInventory(inventory('      timeouts:\n        image_pull: 1800\n        reboot: 900'), 'inv.yaml');
    expect(inv.cluster.timeouts).toEqual({ ...TIMEOUT_DEFAULTS, image_pull: 1800, reboot: 900 });
  });

  const bad = [
    { what: 'a string', text: '        image_pull: "10m"', field: 'all.vars.picocal.timeouts.image_pull', message: /expected an integer/, hint: /seconds for one image pull/ },
    { what: 'too short', text: '        operator: 5', field: 'all.vars.picocal.timeouts.operator', message: /out of range 10\.\.86400/, hint: /default 900/ },
    { what: 'a fraction', text: '        calico_node: 1.5', field: 'all.vars.picocal.timeouts.calico_node', message: /expected an integer/, hint: /calico-node/ },
    { what: 'zero', text: '        verify: 0', field: 'all.vars.picocal.timeouts.verify', message: /out of range 10\.\.86400/, hint: /default 180/ },
    { what: 'a misspelt key', text: '        image_pul: 60', field: 'all.vars.picocal.timeouts.image_pul', message: /unknown key 'image_pul'/, hint: /did you mean 'image_pull'/ },
  ];
  it.each(bad)('refuses $what with the file, line, field and a hint', ({ text, field, message, hint }) => {
    const problems = problemsOf(inventory(`      timeouts:\n${text}`));
    const p = problems.find((x) => x.field === field);
    expect(p, `problems were:\n${problems.map(formatProblem).join('\n')}`).toBeDefined();
    expect(p?.message).toMatch(message);
    expect(p?.hint).toMatch(hint);
    expect(p?.location).toMatchObject({ file: 'inv.yaml', line: 11 });
  });
});
