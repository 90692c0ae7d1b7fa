// How `calico-validate --probe` connects: the CLI reads these from its flags (src/cli/options/probe.ts).

export interface ProbeSettings {
  timeoutSeconds: number;
  container: string | undefined;
  /** The --probe-command template, unsplit. */
  command: string | undefined;
}

export const DEFAULT_PROBE_TIMEOUT = 3;
