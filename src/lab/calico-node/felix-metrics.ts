// LAB ONLY: part of the calico-node stand-in. Prometheus text exposition with Felix's real metric
// names (values are the lab's: no real dataplane runs), so picocal's metric checks and users'
// scrapers see what a real Felix on port 9091 serves.

export interface MetricsInput {
  version: string;
  ready: boolean;
  clusterNumHosts: number;
  applies: number;
}

export function felixMetrics(m: MetricsInput): string {
  const lines: string[] = [];
  const metric = (name: string, type: string, help: string, samples: [string, number][]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of samples) lines.push(`${name}${labels} ${v}`);
  };
  metric('felix_active_local_endpoints', 'gauge', 'Number of active endpoints on this host.', [['', 1]]);
  metric('felix_active_local_policies', 'gauge', 'Number of active policies on this host.', [['', 0]]);
  metric('felix_active_local_selectors', 'gauge', 'Number of active selectors on this host.', [['', 0]]);
  metric('felix_cluster_num_hosts', 'gauge', 'Total number of Calico hosts in the cluster.', [
    ['', m.clusterNumHosts],
  ]);
  metric(
    'felix_cluster_num_workload_endpoints',
    'gauge',
    'Total number of Calico workload endpoints in the cluster.',
    [['', 0]],
  );
  metric('felix_resync_state', 'gauge', 'Current datastore state.', [['', m.ready ? 3 : 1]]);
  metric(
    'felix_int_dataplane_failures',
    'counter',
    'Number of times dataplane updates failed and will be retried.',
    [['', 0]],
  );
  metric(
    'felix_int_dataplane_apply_time_seconds',
    'summary',
    'Time in seconds that it took to apply a dataplane update.',
    [
      ['{quantile="0.5"}', 0.002],
      ['{quantile="0.9"}', 0.004],
      ['{quantile="0.99"}', 0.008],
      ['_sum', 0.002 * m.applies],
      ['_count', m.applies],
    ],
  );
  metric('felix_iptables_restore_errors', 'counter', 'Number of iptables-restore errors.', [['', 0]]);
  metric('felix_iptables_save_errors', 'counter', 'Number of iptables-save errors.', [['', 0]]);
  metric('felix_ipset_errors', 'counter', 'Number of ipset command failures.', [['', 0]]);
  metric('felix_build_info', 'gauge', 'Build information (lab stand-in).', [
    [`{version="${m.version}",lab_stand_in="true"}`, 1],
  ]);
  return lines.join('\n') + '\n';
}
