// Policy work against a live cluster through kubectl: snapshot it, and enforce its staged policies.
export { KubectlError, kubectl, type KubectlTarget } from './kubectl.js';
export { fetchLive, LIVE_RESOURCES, type LiveSnapshot } from './fetch.js';
export { applyStep, isStaged, planEnforce, stepText, type EnforcePlan, type EnforceStep } from './enforce.js';
export { afterEnforce, MANAGED_BY, selectStaged, type EnforceSelection } from './enforce-selection.js';
