// `picocal k3s-config -i INV`: the /etc/rancher/k3s/config.yaml lines Calico needs on the k3s server.
import { EXIT } from '../../errors.js';
import { k3sCalicoSettings, k3sConfigYaml, K3S_CONFIG_PATH } from '../../cni/k3s-config.js';
import type { Command } from '../command.js';
import { requireInventory } from '../inventory-option.js';

export const k3sConfigCommand: Command = {
  name: 'k3s-config',
  summary: `print the ${K3S_CONFIG_PATH} lines Calico needs on the k3s server (flannel off, cluster-cidr = pod_cidr)`,
  description:
    "Calico replaces k3s's flannel and kube-router policy controller: the k3s server must start with\n" +
    "flannel-backend: none, disable-network-policy: true and cluster-cidr equal to the inventory's pod_cidr.\n" +
    'Prints those lines (bootstrap refuses a cluster without them and names this command).',
  options: {},
  examples: ['picocal k3s-config -i inventory/picocluster.yaml | sudo tee -a /etc/rancher/k3s/config.yaml'],
  async run(ctx) {
    const inv = await requireInventory(ctx);
    ctx.out.json({
      path: K3S_CONFIG_PATH,
      settings: Object.fromEntries(k3sCalicoSettings(inv.cluster).map((s) => [s.key, s.value])),
    });
    ctx.out.print(k3sConfigYaml(inv.cluster).trimEnd());
    return EXIT.ok;
  },
};
