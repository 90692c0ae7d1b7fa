// `picocal policy enforce FILE|DIR`: turn staged policies into the kinds Calico enforces. A staged
// policy with stagedAction Set replaces the enforced policy of the same name; Delete removes it.
import type { Command } from '../command.js';
import { runConversion } from './policy-stage.js';

export const policyEnforce: Command = {
  name: 'policy enforce',
  summary: 'convert Staged* policies to the kinds Calico enforces',
  args: 'FILE|DIR...',
  description:
    'StagedNetworkPolicy → NetworkPolicy, StagedGlobalNetworkPolicy → GlobalNetworkPolicy, ' +
    'StagedKubernetesNetworkPolicy → networking.k8s.io/v1 NetworkPolicy. stagedAction Set replaces an enforced ' +
    'policy of the same name in the files; Delete removes it. Files are replaced atomically, or written under --out.',
  options: {
    out: {
      type: 'string',
      arg: 'DIR',
      description: 'write the converted files under DIR instead of in place',
    },
  },
  examples: ['picocal policy enforce staged/', 'picocal policy enforce staged/ --out policies/'],
  run: (ctx) => runConversion(ctx, 'enforce'),
};
