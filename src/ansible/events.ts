// The events infrastructure/callback_plugins/picocal_jsonl.py writes, one JSON object per line.

interface TaskFields {
  task: string;
  role: string | null;
  uuid: string;
  time: number;
}

export type AnsibleEvent =
  | { event: 'playbook_start'; playbook: string; time: number }
  | { event: 'play_start'; play: string; time: number }
  /** Tasks each board will go through in the whole playbook (best effort: may be absent). */
  | { event: 'plan'; tasks: Record<string, number>; time: number }
  | ({ event: 'task_start'; handler?: boolean } & TaskFields)
  /** `loop`: the task belongs to a file included once per item (which item of how many). */
  | ({ event: 'host_task_start'; host: string; loop?: { index: number; length: number } } & TaskFields)
  | ({ event: 'ok'; host: string; changed: boolean } & TaskFields)
  | ({ event: 'failed'; host: string; ignored: boolean; message: string } & TaskFields)
  | ({ event: 'unreachable'; host: string; message: string } & TaskFields)
  | ({ event: 'skipped'; host: string } & TaskFields)
  | { event: 'stats'; hosts: Record<string, HostStats>; time: number };

export interface HostStats {
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

const KNOWN = new Set([
  'playbook_start',
  'play_start',
  'plan',
  'task_start',
  'host_task_start',
  'ok',
  'failed',
  'unreachable',
  'skipped',
  'stats',
]);

/** Parses one line; returns undefined for anything that is not a known event (never throws). */
export function parseEventLine(line: string): AnsibleEvent | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const obj = JSON.parse(text) as { event?: unknown };
    return typeof obj.event === 'string' && KNOWN.has(obj.event) ? (obj as AnsibleEvent) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * With pipelining on, a board that dies mid-task is reported unreachable; with it off, as a failure
 * whose message starts like this (lab.md). Both mean the same thing to a user: the board is gone.
 */
export function isConnectionFailure(message: string): boolean {
  return (
    /^Failed to connect to the host via ssh/.test(message) ||
    /^Data could not be sent to remote host/.test(message)
  );
}
