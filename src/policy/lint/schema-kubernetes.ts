// Kubernetes NetworkPolicy validation with the kubernetes-models package (the OpenAPI schema the API
// server publishes), for types and enums.
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { ErrorObject } from 'ajv';
import { toIssues, type SchemaIssue } from './schema-validators.js';

export function validateKubernetesNetworkPolicy(value: Record<string, unknown>): SchemaIssue[] {
  try {
    // The constructor copies the data in; validate() throws with ajv-style errors.
    new NetworkPolicy(value as ConstructorParameters<typeof NetworkPolicy>[0]).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: ErrorObject[] }).errors;
    if (!Array.isArray(errors)) throw err;
    return toIssues(errors);
  }
}
