// Every variable picocal renders for Ansible is read by a role, and declared in that role's argument specs:
// a rendered variable nothing uses is dead weight a reader must understand (review: 16 such variables).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { roleInputs } from '../../../src/inventory/role-inputs.js';

const GOLDEN = 'test/golden/render/picocluster/ansible';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

const roleText = filesUnder('infrastructure/roles')
  .filter((f) => !f.endsWith('argument_specs.yml'))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');
const rendered = [join(GOLDEN, 'group_vars/all.yaml'), join(GOLDEN, 'host_vars/pc-node1.yaml')].flatMap((f) =>
  Object.keys(load(readFileSync(f, 'utf8').replace(/!unsafe /g, '')) as object),
);

describe('rendered Ansible variables', () => {
  it.each(rendered)('%s is read by a role and declared in its argument specs', (name) => {
    expect(roleText).toMatch(new RegExp(`\\b${name}\\b`));
    expect(roleInputs().get(name)?.rendered, `${name} in meta/argument_specs.yml (required)`).toBe(true);
  });
});
