// LAB ONLY: part of the calico-node stand-in. Creates the tunnel device Felix would create for the IP
// pool's encapsulation, in the node's network namespace, where the kernel allows it; failures are
// ignored (a lab node may lack the kernel feature, which picocal's preflight, not this, reports).
import { execa } from 'execa';

export type Encapsulation = 'vxlan' | 'ipip' | 'none';

export function encapsulationOf(poolEncapsulation: string | undefined): Encapsulation {
  if (!poolEncapsulation) return 'none';
  if (poolEncapsulation.startsWith('VXLAN')) return 'vxlan';
  if (poolEncapsulation.startsWith('IPIP')) return 'ipip';
  return 'none';
}

export async function ensureTunnelLink(enc: Encapsulation): Promise<void> {
  const run = async (argv: string[]): Promise<void> => {
    await execa('ip', argv, { reject: false, timeout: 5000 });
  };
  if (enc === 'vxlan') {
    await run([
      'link',
      'add',
      'vxlan.calico',
      'type',
      'vxlan',
      'id',
      '4096',
      'dstport',
      '4789',
      'nolearning',
    ]);
    await run(['link', 'set', 'vxlan.calico', 'mtu', '1450', 'up']);
  } else if (enc === 'ipip') {
    // tunl0 exists in every namespace once ipip is built in; creating it is a no-op then.
    await run(['link', 'add', 'tunl0', 'type', 'ipip']);
    await run(['link', 'set', 'tunl0', 'mtu', '1480', 'up']);
  }
}
