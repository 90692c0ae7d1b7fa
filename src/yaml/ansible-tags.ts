// Ansible's own YAML tags in an inventory, which picocal hands to Ansible as the file it is:
// `!vault` (an Ansible Vault ciphertext that only Ansible decrypts) and `!unsafe` (a string Ansible never
// templates). picocal keeps both as opaque values so the schema can say what it can and cannot use.
// https://docs.ansible.com/ansible/latest/vault_guide/vault_using_encrypted_content.html
// https://docs.ansible.com/ansible/latest/playbook_guide/playbooks_advanced_syntax.html#unsafe-or-raw-strings
import { CORE_SCHEMA, defineScalarTag, type Schema } from 'js-yaml';

/** A `!vault` value: picocal cannot read it; Ansible decrypts it. */
export class AnsibleVault {
  constructor(readonly ciphertext: string) {}
}

/** A `!unsafe` string: Ansible never evaluates Jinja in it. */
export class AnsibleUnsafe {
  constructor(readonly text: string) {}
}

const vaultTag = defineScalarTag('!vault', {
  resolve: (source) => new AnsibleVault(source),
  identify: (v) => v instanceof AnsibleVault,
  represent: (v: AnsibleVault) => v.ciphertext,
});

const unsafeTag = defineScalarTag('!unsafe', {
  resolve: (source) => new AnsibleUnsafe(source),
  identify: (v) => v instanceof AnsibleUnsafe,
  represent: (v: AnsibleUnsafe) => v.text,
});

/** The YAML schema of an Ansible inventory: the core schema plus `!vault` and `!unsafe` on scalars. */
export const ANSIBLE_INVENTORY_SCHEMA: Schema = CORE_SCHEMA.withTags(vaultTag, unsafeTag);
