// `calico-validate --probe`: check a static verdict against the live cluster with one real connection.
export { DEFAULT_PROBE_TIMEOUT, type ProbeSettings } from './settings.js';
export { checkProbe, planProbe, runProbe, type ProbePlan, type ProbeRunResult } from './run-probe.js';
export { interpretProbe, type ProbeOutcome, type ProbeResult, type LiveVerdict } from './interpret.js';
export { defaultProbeArgv, templateProbeArgv, execArgs, displayArgv, PLACEHOLDERS } from './probe-argv.js';
export { probeReport, probeText, probeJson, type ProbeReport } from './report.js';
