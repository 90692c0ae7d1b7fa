// The k3s settings in effect on a board, from what k3s reads: /etc/rancher/k3s/config.yaml and
// config.yaml.d/*.yaml (later files win; `key: value`), then the flags on the systemd unit's ExecStart, which
// override the files (https://docs.k3s.io/installation/configuration#configuration-file). Defaults are k3s's:
// flannel-backend vxlan, network policy on, cluster-cidr 10.42.0.0/16 (https://docs.k3s.io/cli/server).
import { load } from 'js-yaml';

export const K3S_DEFAULTS = {
  'flannel-backend': 'vxlan',
  'disable-network-policy': 'false',
  'cluster-cidr': '10.42.0.0/16',
} as const;
const K3S_MAIN = '/etc/rancher/k3s/config.yaml';
export type K3sKey = keyof typeof K3S_DEFAULTS;
const KEYS = Object.keys(K3S_DEFAULTS) as K3sKey[];

export interface K3sSettings {
  /** 'server', 'agent', or undefined when no k3s unit or config file was found. */
  role: 'server' | 'agent' | undefined;
  values: Record<K3sKey, string>;
  /** Where each value came from: a file path, a unit flag, or "k3s default". */
  source: Record<K3sKey, string>;
}

/** ExecStart's words: continuation lines joined, quotes removed. */
export function execStartArgs(unit: string): string[] {
  const joined = unit.replace(/\\\r?\n/g, ' ');
  const line = joined.split('\n').find((l) => /^\s*ExecStart=/.test(l));
  if (!line) return [];
  const words = line.replace(/^\s*ExecStart=/, '').match(/'[^']*'|"[^"]*"|\S+/g) ?? [];
  return words.map((w) => w.replace(/^(['"])(.*)\1$/, '$2'));
}

function flagValues(args: string[]): Partial<Record<K3sKey, string>> {
  const out: Partial<Record<K3sKey, string>> = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--?([a-z-]+)(?:=(.*))?$/.exec(args[i] ?? '');
    if (!m || !KEYS.includes(m[1] as K3sKey)) continue;
    const key = m[1] as K3sKey;
    if (m[2] !== undefined) out[key] = m[2];
    else if (key === 'disable-network-policy') out[key] = 'true';
    else out[key] = args[++i] ?? '';
  }
  return out;
}

export function k3sSettings(files: Record<string, string>): K3sSettings {
  const values: Record<K3sKey, string> = { ...K3S_DEFAULTS };
  const source = Object.fromEntries(KEYS.map((k) => [k, 'k3s default'])) as Record<K3sKey, string>;
  const configs = Object.keys(files)
    .filter((p) => /^\/etc\/rancher\/k3s\/config\.yaml(\.d\/.*\.yaml)?$/.test(p))
    // config.yaml first, then config.yaml.d/*.yaml in name order (later files win).
    .sort((a, b) => (a === K3S_MAIN ? -1 : b === K3S_MAIN ? 1 : a < b ? -1 : a > b ? 1 : 0));
  for (const path of configs) {
    let doc: unknown;
    try {
      doc = load(files[path] ?? '');
    } catch {
      continue;
    }
    if (!doc || typeof doc !== 'object') continue;
    for (const key of KEYS) {
      const v = (doc as Record<string, unknown>)[key];
      if (v === undefined || v === null) continue;
      values[key] = String(v);
      source[key] = path;
    }
  }
  let role: K3sSettings['role'];
  for (const [unit, r] of [
    ['/etc/systemd/system/k3s.service', 'server'],
    ['/etc/systemd/system/k3s-agent.service', 'agent'],
  ] as const) {
    const text = files[unit];
    if (text === undefined) continue;
    role ??= r;
    for (const [k, v] of Object.entries(flagValues(execStartArgs(text)))) {
      values[k as K3sKey] = v;
      source[k as K3sKey] = `${unit} ExecStart`;
    }
  }
  if (!role && configs.length > 0) role = 'server';
  return { role, values, source };
}
