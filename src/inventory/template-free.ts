// Inventory values are data. Ansible reads the inventory file itself and evaluates Jinja (`{{ }}`, `{% %}`,
// `{# #}`) in every variable it uses, on this machine, with the user's rights: a `lookup('pipe', …)` in a
// known_hosts path would run a command. picocal refuses Jinja anywhere in the inventory, except in values
// tagged `!unsafe`, which Ansible never evaluates.
// https://docs.ansible.com/ansible/latest/playbook_guide/playbooks_advanced_syntax.html#unsafe-or-raw-strings
import { AnsibleUnsafe, AnsibleVault } from '../yaml/ansible-tags.js';
import type { PathSegment } from '../yaml/source-map.js';
import type { CheckContext } from '../schema/schema.js';

const JINJA = /\{\{|\{%|\{#/;

/** Report every key or string value in `value` that Ansible would evaluate as a template. */
export function refuseTemplates(value: unknown, path: PathSegment[], ctx: CheckContext): void {
  // Aliases make the tree a DAG; yaml-limits.ts has already refused cycles and huge expansions.
  const seen = new Set<object>();
  const visit = (v: unknown, p: PathSegment[]) => {
    if (typeof v === 'string') {
      if (JINJA.test(v)) {
        ctx.problem(p, `${JSON.stringify(v)} contains Jinja (${JINJA.exec(v)?.[0]}), which Ansible would evaluate on this machine`, "picocal passes inventory values to Ansible as data: write the value out, or tag it !unsafe if the text must contain '{{' literally");
      }
      return;
    }
    if (v === null || typeof v !== 'object' || v instanceof AnsibleUnsafe || v instanceof AnsibleVault) return;
    if (seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, [...p, i]));
      return;
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (JINJA.test(k)) ctx.problem([...p, k], `the name ${JSON.stringify(k)} contains Jinja, which Ansible would evaluate`, 'rename it', 'key');
      visit(x, [...p, k]);
    }
  };
  visit(value, path);
}
