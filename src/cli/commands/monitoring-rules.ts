// `picocal monitoring rules`: write the Prometheus alert rules on Calico's real metrics, the metrics
// Services and ServiceMonitor, and the rules as a PrometheusRule, for a user to apply or commit.
import { EXIT, UsageError } from '../../errors.js';
import { monitoringFiles, RELEASE_NAME } from '../../generate/monitoring.js';
import { writeNewFiles } from '../../generate/write-new-files.js';
import { flag, stringOption, type Command } from '../command.js';

export const monitoringRules: Command = {
  name: 'monitoring rules',
  summary: 'write Prometheus alert rules, metrics Services and a ServiceMonitor for Calico',
  description:
    'Writes calico-alerts.rules.yaml (plain Prometheus rule file: `rule_files:`), calico-metrics.yaml\n' +
    '(headless Services for Felix :9091 and kube-controllers :9094, and a ServiceMonitor) and\n' +
    'calico-alerts.prometheusrule.yaml (the same rules for the Prometheus operator). Felix metrics must be\n' +
    'on: FelixConfiguration prometheusMetricsEnabled, or Installation nodeMetricsPort.',
  options: {
    out: { type: 'string', arg: 'DIR', default: 'monitoring', description: 'folder to write into' },
    force: { type: 'boolean', description: 'replace files that exist' },
    release: {
      type: 'string',
      arg: 'NAME',
      description:
        'label the ServiceMonitor and PrometheusRule release: NAME (kube-prometheus-stack picks only its own release)',
    },
  },
  examples: [
    'picocal monitoring rules --out monitoring/',
    'picocal monitoring rules --out monitoring/ --release kube-prometheus-stack',
    'promtool check rules monitoring/calico-alerts.rules.yaml',
  ],
  async run(ctx) {
    if (ctx.positionals.length) throw new UsageError(`unexpected argument '${ctx.positionals[0]}'`);
    const release = stringOption(ctx, 'release');
    if (release !== undefined && !RELEASE_NAME.test(release))
      throw new UsageError(
        `--release '${release}' is not a Helm release name`,
        'use the name of your kube-prometheus-stack release as `helm list -A` shows it: lower-case letters, digits and -, at most 53',
      );
    const written = writeNewFiles(
      monitoringFiles(release),
      stringOption(ctx, 'out') ?? 'monitoring',
      ctx.cwd,
      flag(ctx, 'force'),
    );
    ctx.out.json({ files: written });
    for (const w of written) ctx.out.print(`wrote ${w}`);
    return EXIT.ok;
  },
};
