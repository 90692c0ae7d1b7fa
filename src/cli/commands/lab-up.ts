// `picocal lab up`: start a virtual PicoCluster (LAB ONLY) and say where its files are.
import { UsageError } from '../../errors.js';
import { DEFAULT_LAB_USER, labUp } from '../../lab/lab-up.js';
import { DEFAULT_LAB_NAME, DEFAULT_NODE_COUNT } from '../../lab/lab-naming.js';
import { labStatus } from '../../lab/lab-status.js';
import { flag, stringOption, type Command } from '../command.js';
import { DEFAULT_LAB_FLAVOUR, LAB_FLAVOURS, parseLabFlavour } from '../../lab/k3s-flavour.js';
import { printLabStatus } from './lab-status.js';
import { LAB_KUBERNETES_VERSION } from '../../lab/kube-api/discovery.js';
import { parseKubernetesVersion } from '../../catalog/kubernetes-support.js';
import { DEFAULT_LAB_PROFILE, LAB_PROFILES, parseLabProfile } from '../../lab/profile/board-profiles.js';

export const labUpCommand: Command = {
  name: 'lab up',
  summary: 'start a virtual PicoCluster: real sshd nodes in network namespaces (root, Linux)',
  description:
    'Node 1 is the control plane, the rest are workers. Each node has its own address, host key, hostname ' +
    'and copy-on-write filesystem. The lab directory holds the inventory, known_hosts, client key and ansible.cfg.',
  options: {
    nodes: { type: 'string', arg: 'N', default: String(DEFAULT_NODE_COUNT), description: 'number of nodes' },
    user: {
      type: 'string',
      arg: 'USER',
      default: DEFAULT_LAB_USER,
      description:
        'login user on the boards: a user with passwordless sudo and root login off, as on Raspberry Pi OS; root for root-login boards',
    },
    flavour: {
      type: 'string',
      arg: 'FLAVOUR',
      default: DEFAULT_LAB_FLAVOUR,
      description: `what k3s left on the boards: ${LAB_FLAVOURS.join(' | ')} (k3s-default: flannel on, as a plain k3s install)`,
    },
    profile: {
      type: 'string',
      arg: 'PROFILE',
      default: DEFAULT_LAB_PROFILE,
      description: `board speed: ${LAB_PROFILES.join(' | ')} (pi4/pi5: CPU, link delay and SD-card I/O of that board; fast: as fast as this host)`,
    },
    'partial-profile': {
      type: 'boolean',
      description:
        'apply only the parts of --profile this host allows (the rest is listed) instead of refusing',
    },
    'kubernetes-version': {
      type: 'string',
      arg: 'V',
      default: LAB_KUBERNETES_VERSION,
      description: 'the Kubernetes version the API stand-in reports, e.g. v1.33.6+k3s1',
    },
    name: {
      type: 'string',
      arg: 'NAME',
      default: DEFAULT_LAB_NAME,
      description: 'lab name (two labs may coexist)',
    },
  },
  examples: [
    'picocal lab up',
    'picocal lab up --nodes 3 --name demo',
    'picocal lab up --user root',
    'picocal lab up --flavour k3s-default',
    'picocal lab up --profile pi4',
    'picocal lab up --kubernetes-version v1.33.6+k3s1',
    'picocal lab status --name demo --output json',
  ],
  async run(ctx) {
    const raw = stringOption(ctx, 'nodes') ?? String(DEFAULT_NODE_COUNT);
    if (!/^[0-9]+$/.test(raw)) throw new UsageError(`--nodes must be a whole number, not '${raw}'`);
    const name = stringOption(ctx, 'name') ?? DEFAULT_LAB_NAME;
    const user = stringOption(ctx, 'user') ?? DEFAULT_LAB_USER;
    const kubernetesVersion = stringOption(ctx, 'kubernetes-version') ?? LAB_KUBERNETES_VERSION;
    if (!parseKubernetesVersion(kubernetesVersion))
      throw new UsageError(
        `--kubernetes-version must look like v1.34.3 or v1.34.3+k3s1, not '${kubernetesVersion}'`,
      );
    const result = await labUp({
      name,
      nodes: Number(raw),
      user,
      kubernetesVersion,
      flavour: parseLabFlavour(stringOption(ctx, 'flavour') ?? DEFAULT_LAB_FLAVOUR),
      profile: parseLabProfile(stringOption(ctx, 'profile') ?? DEFAULT_LAB_PROFILE),
      partialProfile: flag(ctx, 'partial-profile'),
      log: (l) => ctx.out.info(l),
      signal: ctx.signal,
    });
    for (const w of result.warnings) ctx.out.warn(w);
    ctx.out.detail(`phases (ms): ${JSON.stringify(result.phases)}`);
    const status = await labStatus(name);
    ctx.out.json({ ...status, elapsedMs: result.elapsedMs });
    ctx.out.info(`lab '${name}' up in ${(result.elapsedMs / 1000).toFixed(1)} s`);
    printLabStatus(ctx.out, status);
    ctx.out.print();
    ctx.out.print(`export ANSIBLE_CONFIG=${status.ansibleCfg} KUBECONFIG=${status.kubeconfig}`);
    ctx.out.print(`picocal -i ${status.inventory} ...`);
    return 0;
  },
};
