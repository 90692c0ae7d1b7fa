// Load an Ansible YAML inventory, check it completely, and return picocal's typed view of it.
// Bad input throws one InputError listing every problem (exit 2); nothing else has happened yet.
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { CheckContext, object, record, anything, show } from '../schema/schema.js';
import { closest } from '../schema/did-you-mean.js';
import { parseYamlDocuments, type PathSegment } from '../yaml/source-map.js';
import { checkYamlFileSize } from '../yaml/yaml-limits.js';
import { ANSIBLE_INVENTORY_SCHEMA } from '../yaml/ansible-tags.js';
import { checkAnsibleVars } from './ansible-vars.js';
import { checkRoleInputs } from './role-inputs.js';
import { refuseTemplates } from './template-free.js';
import { clusterSchema, groupVarsSchema, hostVarsSchema, type ClusterSettings, type GroupVars, type HostVars } from './schema.js';
import type { Inventory, InventoryHost } from './types.js';
import { validateCluster, validateHosts, type HostEntry } from './validate.js';

export const CONTROL_PLANE_GROUP = 'control_plane';
const GROUP_KEYS = ['hosts', 'vars', 'children'];
/** Group visits one inventory may need (aliases can name one group from many parents). */
const MAX_GROUP_VISITS = 1000;
const DEFAULT_KUBECONFIG = { k3s: '/etc/rancher/k3s/k3s.yaml', kubeadm: '/etc/kubernetes/admin.conf' } as const;

interface RawHost {
  name: string;
  vars: HostVars;
  groupVars: GroupVars[]; // outermost first
  groups: string[];
  path: PathSegment[];
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? homedir() + p.slice(1) : p;
}

export async function loadInventory(file: string, cwd = process.cwd()): Promise<Inventory> {
  const path = resolve(cwd, file);
  let text: string;
  try {
    await checkYamlFileSize(path, path);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(
      `cannot read inventory ${file}`,
      [{ message: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message }],
      { hint: 'pass the inventory with -i FILE (the example is inventory/picocluster.yaml)', cause: err },
    );
  }
  return parseInventory(text, path);
}

export function parseInventory(text: string, path: string): Inventory {
  const docs = parseYamlDocuments(text, path, { schema: ANSIBLE_INVENTORY_SCHEMA, tags: "Ansible's !vault and !unsafe on a scalar" });
  const doc = docs[0];
  if (!doc || docs.length !== 1) {
    throw new InputError(`${path}: an inventory is one YAML document`, [
      { location: doc?.location ?? { file: path, line: 1, column: 1 }, message: `found ${docs.length} documents` },
    ]);
  }
  const ctx = new CheckContext(doc);
  const root = doc.value;
  if (root === null || typeof root !== 'object' || Array.isArray(root) || !('all' in root)) {
    ctx.problem([], `expected a mapping with the top-level group 'all', found ${show(root)}`, 'start the file with `all:` as in inventory/picocluster.yaml');
    throw new InputError(`invalid inventory ${path}`, ctx.problems);
  }
  refuseTemplates(root, [], ctx);
  for (const k of Object.keys(root)) {
    if (k !== 'all') {
      ctx.problem([k], `top-level key '${k}': picocal expects every group under 'all.children'`, `move '${k}' under all.children`, 'key');
    }
  }

  const hosts = new Map<string, RawHost>();
  let allVars: Record<string, unknown> = {};
  let controlPlaneCount = 0;
  let visits = 0;

  const walkGroup = (name: string, value: unknown, gpath: PathSegment[], inherited: GroupVars[], lineage: string[]) => {
    if (value === null || value === undefined) return;
    if (++visits > MAX_GROUP_VISITS) {
      if (visits === MAX_GROUP_VISITS + 1) {
        ctx.problem(gpath, `the group tree has more than ${MAX_GROUP_VISITS} groups once YAML aliases are followed`, 'list each group once; do not reuse groups through aliases (*name)');
      }
      return;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      ctx.problem(gpath, `group '${name}' must be a mapping with hosts/vars/children, found ${show(value)}`);
      return;
    }
    const g = value as Record<string, unknown>;
    for (const k of Object.keys(g)) {
      if (!GROUP_KEYS.includes(k)) {
        const guess = closest(k, GROUP_KEYS);
        ctx.problem([...gpath, k], `unknown key '${k}' in group '${name}'`, guess ? `did you mean '${guess}'?` : 'a group has hosts, vars and children', 'key');
      }
    }
    let groupVars: GroupVars = {};
    if (name === 'all') {
      const vars = object({ picocal: anything() }, { passthrough: /.*/ }).check(g['vars'], [...gpath, 'vars'], ctx) ?? {};
      allVars = vars as Record<string, unknown>;
      const { picocal: _ignored, ...rest } = allVars;
      checkAnsibleVars(rest, [...gpath, 'vars'], ctx, 'all');
      checkRoleInputs(rest, [...gpath, 'vars'], ctx);
      groupVars = groupVarsSchema.check(rest, [...gpath, 'vars'], ctx) ?? {};
    } else if (g['vars'] !== undefined) {
      const vars = g['vars'];
      if (vars && typeof vars === 'object' && 'picocal' in vars) {
        ctx.problem([...gpath, 'vars', 'picocal'], `'picocal' settings belong in all.vars, not in group '${name}'`, 'move them to all.vars.picocal (per-board overrides go in host variables)', 'key');
      }
      const isMap = vars !== null && typeof vars === 'object' && !Array.isArray(vars);
      const { picocal: _misplaced, ...rest } = isMap ? (vars as Record<string, unknown>) : {};
      checkAnsibleVars(rest, [...gpath, 'vars'], ctx, 'group');
      checkRoleInputs(rest, [...gpath, 'vars'], ctx);
      groupVars = groupVarsSchema.check(isMap ? rest : vars, [...gpath, 'vars'], ctx) ?? {};
    }
    const chain = [...inherited, groupVars];
    const groupLineage = [...lineage, name];
    const hostMap = record(anything()).check(g['hosts'], [...gpath, 'hosts'], ctx) ?? {};
    for (const [hostName, hv] of Object.entries(hostMap)) {
      const hpath = [...gpath, 'hosts', hostName];
      if (hostName === 'localhost') {
        ctx.problem(hpath, "a board cannot be named 'localhost'", "Ansible runs the playbooks' checks on 'localhost' (this machine): name the board by its hostname", 'key');
        continue;
      }
      checkAnsibleVars(hv, hpath, ctx, 'host');
      checkRoleInputs(hv, hpath, ctx);
      const existing = hosts.get(hostName);
      if (name === CONTROL_PLANE_GROUP && !existing?.groups.includes(CONTROL_PLANE_GROUP)) controlPlaneCount++;
      if (existing) {
        existing.groups.push(...groupLineage.filter((x) => !existing.groups.includes(x)));
        if (hv && typeof hv === 'object') {
          const vars = hostVarsSchema.check({ ansible_host: existing.vars.ansible_host, ...hv }, hpath, ctx);
          if (vars && vars.ansible_host !== existing.vars.ansible_host) {
            ctx.problem([...hpath, 'ansible_host'], `host '${hostName}' is defined twice with different addresses (${existing.vars.ansible_host} and ${vars.ansible_host})`, 'a board appears once with one address; list it in other groups without variables');
          } else if (vars) existing.vars = { ...existing.vars, ...vars };
        }
        continue;
      }
      const vars = hostVarsSchema.check(hv, hpath, ctx);
      if (vars) hosts.set(hostName, { name: hostName, vars, groupVars: chain, groups: groupLineage.slice(1), path: hpath });
    }
    const children = record(anything()).check(g['children'], [...gpath, 'children'], ctx) ?? {};
    for (const [child, cv] of Object.entries(children)) walkGroup(child, cv, [...gpath, 'children', child], chain, groupLineage);
  };
  walkGroup('all', (root as Record<string, unknown>)['all'], ['all'], [], []);

  if (allVars['picocal'] === undefined) {
    ctx.problem(['all', 'vars'], "missing 'picocal' settings in all.vars", 'copy the picocal: block from inventory/picocluster.yaml', 'key');
    throw new InputError(`invalid inventory ${path}`, ctx.problems);
  }
  const settings = clusterSchema.checkFields(allVars['picocal'], ['all', 'vars', 'picocal'], ctx);
  const merged = [...hosts.values()].map((h) => ({ raw: h, vars: Object.assign({}, ...h.groupVars, h.vars) as HostVars }));
  const entries: HostEntry[] = merged.map(({ raw, vars }) => ({
    name: raw.name,
    address: vars.ansible_host,
    arch: vars.picocal_arch,
    board: vars.picocal_board,
    labels: vars.picocal_labels ?? {},
    path: raw.path,
  }));
  validateHosts(entries, controlPlaneCount, ctx);
  if (settings) validateCluster(settings, entries, ctx);
  const cluster = settings && settings.invalid.size === 0 ? (settings.value as ClusterSettings) : undefined;
  if (ctx.problems.length > 0 || !cluster) {
    const sorted = [...ctx.problems].sort(
      (a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.column ?? 0) - (b.location?.column ?? 0),
    );
    throw new InputError(`invalid inventory ${path}: ${sorted.length} problem(s)`, sorted, {
      hint: 'fix every problem listed, then run the command again',
    });
  }

  const defaultUser = userInfo().username;
  const invHosts: InventoryHost[] = merged.map(({ raw, vars }) => ({
    name: raw.name,
    address: vars.ansible_host,
    role: raw.groups.includes(CONTROL_PLANE_GROUP) ? 'control-plane' : 'worker',
    groups: raw.groups,
    ssh: {
      user: vars.ansible_user ?? defaultUser,
      port: vars.ansible_port ?? 22,
      privateKey: vars.ansible_ssh_private_key_file ? expandHome(vars.ansible_ssh_private_key_file) : undefined,
      knownHosts: expandHome(vars.picocal_known_hosts ?? '~/.ssh/known_hosts'),
      jumpHost: vars.picocal_jump_host,
    },
    board: vars.picocal_board,
    arch: vars.picocal_arch,
    cmdlinePath: vars.picocal_cmdline_path ?? '/boot/firmware/cmdline.txt',
    labels: vars.picocal_labels ?? {},
  }));
  // Control plane first, then inventory order: the order every table and plan shows.
  invHosts.sort((a, b) => (a.role === b.role ? 0 : a.role === 'control-plane' ? -1 : 1));
  const controlPlane = invHosts.find((h) => h.role === 'control-plane');
  if (!controlPlane) throw new Error('unreachable: control plane checked above');
  return {
    file: path,
    cluster: {
      ...cluster,
      kubernetes: {
        ...cluster.kubernetes,
        kubeconfig: cluster.kubernetes.kubeconfig ?? DEFAULT_KUBECONFIG[cluster.kubernetes.flavour],
      },
    },
    hosts: invHosts,
    controlPlane,
  };
}
