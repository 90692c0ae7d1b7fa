// LAB ONLY: part of the Kubernetes API stand-in. metav1.Status failures with the reasons, codes and
// message wording the real API server uses, since kubectl prints them verbatim and picocal's checks
// (and its users) read those messages.
import { qualifiedResource, type ResourceType } from './resource-types.js';

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export class ApiStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[] },
  ) {
    super(message);
  }

  toStatus(): object {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

export function notFound(t: Pick<ResourceType, 'group' | 'plural'>, name: string): ApiStatusError {
  return new ApiStatusError(404, 'NotFound', `${qualifiedResource(t)} "${name}" not found`, {
    name,
    ...(t.group ? { group: t.group } : {}),
    kind: t.plural,
  });
}

export function alreadyExists(t: Pick<ResourceType, 'group' | 'plural'>, name: string): ApiStatusError {
  return new ApiStatusError(409, 'AlreadyExists', `${qualifiedResource(t)} "${name}" already exists`, {
    name,
    ...(t.group ? { group: t.group } : {}),
    kind: t.plural,
  });
}

export function modifiedConflict(t: Pick<ResourceType, 'group' | 'plural'>, name: string): ApiStatusError {
  return new ApiStatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, ...(t.group ? { group: t.group } : {}), kind: t.plural },
  );
}

/** 422 Invalid: `<Kind>.<group> "<name>" is invalid: <field>: <message>` as field validation words it. */
export function invalid(t: ResourceType, name: string, causes: StatusCause[]): ApiStatusError {
  const kind = t.group ? `${t.kind}.${t.group}` : t.kind;
  const text = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const joined = text.length === 1 ? text[0]! : `[${text.join(', ')}]`;
  return new ApiStatusError(422, 'Invalid', `${kind} "${name}" is invalid: ${joined}`, {
    name,
    ...(t.group ? { group: t.group } : {}),
    kind: t.kind,
    causes,
  });
}

export function badRequest(message: string): ApiStatusError {
  return new ApiStatusError(400, 'BadRequest', message);
}

export function routeNotFound(): ApiStatusError {
  return new ApiStatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}
