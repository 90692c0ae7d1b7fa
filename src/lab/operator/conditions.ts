// LAB ONLY: part of the Calico operator stand-in. Status conditions as the operator writes them on
// TigeraStatus and Installation: Available/Progressing/Degraded (Ready on Installation), with
// lastTransitionTime kept while a condition's status does not change.

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface Want {
  type: string;
  ok: boolean;
  reason: string;
  message: string;
}

export function nextConditions(
  prev: Condition[] | undefined,
  wants: Want[],
  generation: number | undefined,
): Condition[] {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return wants.map((w) => {
    const status = w.ok ? 'True' : 'False';
    const old = (prev ?? []).find((c) => c.type === w.type);
    return {
      type: w.type,
      status,
      reason: w.reason,
      message: w.message,
      lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now,
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
    };
  });
}

export interface Health {
  available: boolean;
  progressing: boolean;
  degraded: boolean;
  message: string;
}

export function statusConditions(
  prev: Condition[] | undefined,
  h: Health,
  generation: number | undefined,
): Condition[] {
  return nextConditions(
    prev,
    [
      {
        type: 'Available',
        ok: h.available,
        reason: h.available ? 'AllObjectsAvailable' : 'ResourceNotReady',
        message: h.available ? 'All objects available' : h.message,
      },
      {
        type: 'Progressing',
        ok: h.progressing,
        reason: h.progressing ? 'ResourceNotReady' : 'AllObjectsAvailable',
        message: h.progressing ? h.message : 'All objects available',
      },
      {
        type: 'Degraded',
        ok: h.degraded,
        reason: h.degraded ? 'ResourceNotReady' : 'AllObjectsAvailable',
        message: h.degraded ? h.message : '',
      },
    ],
    generation,
  );
}
