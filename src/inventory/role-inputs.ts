// The roles' settings an inventory may set (e.g. `calico_operator_timeout: 900` in all.vars, a group's or a
// board's vars): each role declares its inputs in meta/argument_specs.yml, which ansible-core also checks
// when the role starts (https://docs.ansible.com/ansible/latest/playbook_guide/playbooks_reuse_roles.html#role-argument-validation).
// An inventory variable outranks a role default (Ansible's variable precedence), so these settings reach
// the roles as they are, also in a run by hand. Refused: what picocal renders from `picocal:` (the render is
// loaded with include_vars and would silently win) and what picocal passes itself on every run with -e.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { INFRASTRUCTURE_DIR } from '../paths.js';
import type { CheckContext } from '../schema/schema.js';
import { closest } from '../schema/did-you-mean.js';
import type { PathSegment } from '../yaml/source-map.js';

export interface RoleInput {
  name: string;
  role: string;
  type: string;
  elements?: string;
  choices?: unknown[];
  description: string;
  /** Computed by picocal (required by the role, no default): not an inventory setting. */
  rendered: boolean;
}

/** Settings with a default that picocal itself passes with -e on every run (so an inventory value would not count). */
const SET_BY_PICOCAL: Record<string, string> = {
  calico_rendered_vars_dir: 'picocal passes the folder of its own render on every run',
  calico_operator_artifacts_dir:
    'picocal passes the folder of release files it checked on every run (use picocal.artifacts_dir or --artifacts)',
  calico_node_prep_calicoctl_dir:
    'picocal passes the folder of release files it checked on every run (use picocal.artifacts_dir or --artifacts)',
  calico_operator_state_dir: "picocal's own commands (the lock, upgrades) use /var/lib/picocal on the control plane",
  calico_node_prep_calicoctl_dest: "picocal's verify runs calicoctl from /usr/local/bin",
};

interface SpecOption {
  type?: string;
  elements?: string;
  choices?: unknown[];
  required?: boolean;
  default?: unknown;
  description?: string | string[];
}

let cache: Map<string, RoleInput> | undefined;

/** Every role input declared under infrastructure/roles/<role>/meta/argument_specs.yml, by name. */
export function roleInputs(rolesDir = join(INFRASTRUCTURE_DIR, 'roles')): Map<string, RoleInput> {
  if (cache && rolesDir === join(INFRASTRUCTURE_DIR, 'roles')) return cache;
  const out = new Map<string, RoleInput>();
  for (const role of readdirSync(rolesDir).sort()) {
    const file = join(rolesDir, role, 'meta', 'argument_specs.yml');
    if (!existsSync(file)) continue;
    const doc = load(readFileSync(file, 'utf8')) as {
      argument_specs?: Record<string, { options?: Record<string, SpecOption> }>;
    };
    for (const entry of Object.values(doc.argument_specs ?? {})) {
      for (const [name, o] of Object.entries(entry.options ?? {})) {
        if (out.has(name) && !out.get(name)!.rendered) continue;
        out.set(name, {
          name,
          role,
          type: o.type ?? 'raw',
          ...(o.elements ? { elements: o.elements } : {}),
          ...(o.choices ? { choices: o.choices } : {}),
          description: [o.description ?? ''].flat().join(' '),
          rendered: o.required === true && o.default === undefined,
        });
      }
    }
  }
  if (rolesDir === join(INFRASTRUCTURE_DIR, 'roles')) cache = out;
  return out;
}

/** The settings an inventory may override, by name (for help and the README). */
export function overridableRoleInputs(): RoleInput[] {
  return [...roleInputs().values()].filter((i) => !i.rendered && !(i.name in SET_BY_PICOCAL));
}

function typeProblem(input: RoleInput, v: unknown): string | undefined {
  const is = (t: string, x: unknown): boolean => {
    switch (t) {
      case 'int':
        return typeof x === 'number' && Number.isInteger(x);
      case 'float':
        return typeof x === 'number';
      case 'bool':
        return typeof x === 'boolean';
      case 'str':
      case 'path':
        return typeof x === 'string';
      case 'list':
        return Array.isArray(x);
      case 'dict':
        return x !== null && typeof x === 'object' && !Array.isArray(x);
      default:
        return true;
    }
  };
  const shown = JSON.stringify(v);
  if (!is(input.type, v)) return `expected ${input.type === 'int' ? 'a whole number' : `a ${input.type}`}, found ${shown}`;
  if (input.type === 'list' && input.elements && !(v as unknown[]).every((e) => is(input.elements!, e)))
    return `expected a list of ${input.elements}, found ${shown}`;
  if (input.type === 'int' && (v as number) < 0) return `expected a whole number of 0 or more, found ${shown}`;
  if (input.choices && !input.choices.includes(v)) return `expected one of ${input.choices.join(', ')}, found ${shown}`;
  return undefined;
}

/** Checks the calico_* variables of one group or host against the roles' argument specs. */
export function checkRoleInputs(vars: unknown, path: PathSegment[], ctx: CheckContext): void {
  if (vars === null || typeof vars !== 'object' || Array.isArray(vars)) return;
  const inputs = roleInputs();
  for (const [k, v] of Object.entries(vars as Record<string, unknown>)) {
    if (!k.startsWith('calico_')) continue;
    const input = inputs.get(k);
    if (!input) {
      const guess = closest(
        k,
        overridableRoleInputs().map((i) => i.name),
      );
      ctx.problem(
        [...path, k],
        `unknown role setting '${k}'`,
        guess ? `did you mean '${guess}'?` : 'see "Role settings" in the README for the settings the roles take',
        'key',
      );
    } else if (input.rendered) {
      ctx.problem(
        [...path, k],
        `'${k}' is refused: picocal renders it from the picocal: settings (the render would override it)`,
        'set the matching picocal: setting (or the board\'s picocal_* variable) instead',
        'key',
      );
    } else if (SET_BY_PICOCAL[k]) {
      ctx.problem([...path, k], `'${k}' is refused: ${SET_BY_PICOCAL[k]}`, 'remove it', 'key');
    } else {
      const problem = typeProblem(input, v);
      if (problem) ctx.problem([...path, k], `${k}: ${problem}`, input.description);
    }
  }
}
