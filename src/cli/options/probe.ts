// The flags of `calico-validate --probe`. --probe implies --live: a probe runs in the cluster the
// verdict was read from, never next to a verdict from files that may describe another cluster.
import { UsageError } from '../../errors.js';
import { DEFAULT_PROBE_TIMEOUT, type ProbeSettings } from '../../policy/probe/settings.js';
import { flag, stringOption, type CommandContext, type OptionSpec } from '../command.js';

export const PROBE_OPTIONS: Record<string, OptionSpec> = {
  probe: {
    type: 'boolean',
    description:
      'implies --live; also connect from the SRC pod to the DST pod (kubectl exec) and say whether the cluster agrees with the verdict',
  },
  'probe-timeout': {
    type: 'string',
    arg: 'SECONDS',
    description: 'with --probe: how long the probe waits for an answer (default 3)',
  },
  'probe-container': {
    type: 'string',
    arg: 'NAME',
    description: 'with --probe: the SRC container to run the probe in (default: kubectl picks)',
  },
  'probe-command': {
    type: 'string',
    arg: 'COMMAND',
    description:
      'with --probe: the probe program instead of nc/ping, split on spaces (no shell); {ip} {port} {timeout} are filled in',
  },
};

const MAX_PROBE_TIMEOUT = 30;

/** The probe settings, or undefined without --probe (then no --probe-* flag may be given). */
export function probeSettings(ctx: CommandContext): ProbeSettings | undefined {
  const timeoutText = stringOption(ctx, 'probe-timeout');
  const container = stringOption(ctx, 'probe-container');
  const command = stringOption(ctx, 'probe-command');
  if (!flag(ctx, 'probe')) {
    for (const [name, v] of [
      ['probe-timeout', timeoutText],
      ['probe-container', container],
      ['probe-command', command],
    ])
      if (v !== undefined) throw new UsageError(`--${name} needs --probe`);
    return undefined;
  }
  let timeoutSeconds = DEFAULT_PROBE_TIMEOUT;
  if (timeoutText !== undefined) {
    timeoutSeconds = /^\d+$/.test(timeoutText) ? Number(timeoutText) : NaN;
    if (!(timeoutSeconds >= 1 && timeoutSeconds <= MAX_PROBE_TIMEOUT))
      throw new UsageError(
        `--probe-timeout must be whole seconds from 1 to ${MAX_PROBE_TIMEOUT}, not '${timeoutText}'`,
        'nc -w and ping -W take whole seconds',
      );
  }
  if (container !== undefined && !container) throw new UsageError('--probe-container is empty');
  return { timeoutSeconds, container, command };
}
