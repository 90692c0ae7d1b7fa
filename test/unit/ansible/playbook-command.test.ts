// Which ansible-playbook picocal runs (PICOCAL_ANSIBLE_PLAYBOOK, else the one on PATH).
import { describe, expect, it } from 'vitest';
import { ansiblePlaybookCommand } from '../../../src/ansible/run-playbook.js';

describe('ansiblePlaybookCommand', () => {
  it.each([
    [{}, 'ansible-playbook'],
    [{ PICOCAL_ANSIBLE_PLAYBOOK: '' }, 'ansible-playbook'],
    [{ PICOCAL_ANSIBLE_PLAYBOOK: '  ' }, 'ansible-playbook'],
    [{ PICOCAL_ANSIBLE_PLAYBOOK: '/opt/venv/bin/ansible-playbook' }, '/opt/venv/bin/ansible-playbook'],
  ])('%j → %s', (env, expected) => {
    expect(ansiblePlaybookCommand(env)).toBe(expected);
  });
});
