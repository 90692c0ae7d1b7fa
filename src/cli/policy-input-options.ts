// The two options every offline policy command reads its inputs from: the cluster's namespaces and pods,
// and the policy files. One definition so their names, help and repeatability cannot drift apart.
import type { OptionSpec } from './command.js';

export const POLICY_INPUT_OPTIONS: Record<'cluster' | 'policies', OptionSpec> = {
  cluster: {
    type: 'string',
    multiple: true,
    arg: 'FILE',
    description: 'namespaces and pods, as `kubectl get ns,pods -A -o yaml` prints them',
  },
  policies: {
    type: 'string',
    multiple: true,
    arg: 'FILE|DIR',
    description: 'policy files or folders; Kubernetes and Calico kinds, staged ones too',
  },
};
