// What runs inside the source pod: the default probe per protocol (nc for TCP/UDP, ping for ICMP), or
// the user's --probe-command with {ip} {port} {timeout} filled in. Always an argv array: the template is
// split on whitespace first and each element is substituted on its own, so no value is ever re-split
// or read by a shell (kubectl exec runs the program directly; quotes in a template stay literal).
import { UsageError } from '../../errors.js';

export interface ProbeValues {
  ip: string;
  port: number | undefined;
  timeoutSeconds: number;
}

export const PLACEHOLDERS = ['{ip}', '{port}', '{timeout}'] as const;

const TCP = 6;
const UDP = 17;
const SCTP = 132;

export function isIcmp(protocol: number): boolean {
  return protocol === 1 || protocol === 58;
}

/** The default probe: `-v` makes OpenBSD nc say why it failed (refused, timed out, unreachable). */
export function defaultProbeArgv(protocol: number, v: ProbeValues): string[] {
  const t = String(v.timeoutSeconds);
  if (isIcmp(protocol)) return ['ping', '-c', '1', '-W', t, v.ip];
  if (v.port === undefined)
    throw new UsageError('--probe needs --port for a TCP, UDP or SCTP probe', 'pass --port N');
  if (protocol === TCP) return ['nc', '-v', '-z', '-w', t, v.ip, String(v.port)];
  if (protocol === UDP) return ['nc', '-v', '-u', '-z', '-w', t, v.ip, String(v.port)];
  if (protocol === SCTP)
    throw new UsageError(
      'there is no default SCTP probe (nc has no SCTP)',
      "pass --probe-command, e.g. 'ncat --sctp -z -w {timeout} {ip} {port}' where the image has ncat",
    );
  throw new UsageError(`no probe for protocol ${protocol}`);
}

/** `--probe-command` split on whitespace, each element with its placeholders replaced. */
export function templateProbeArgv(template: string, protocol: number, v: ProbeValues): string[] {
  const parts = template.split(/\s+/).filter(Boolean);
  if (!parts.length)
    throw new UsageError('--probe-command is empty', "e.g. --probe-command 'nc -z -w {timeout} {ip} {port}'");
  return parts.map((part) =>
    part.replace(/\{[^{}]*\}/g, (ph) => {
      switch (ph) {
        case '{ip}':
          return v.ip;
        case '{timeout}':
          return String(v.timeoutSeconds);
        case '{port}':
          if (v.port === undefined)
            throw new UsageError(
              isIcmp(protocol) ? '--probe-command uses {port}, but ICMP has no port' : '{port} needs --port',
              isIcmp(protocol) ? 'drop {port} from --probe-command' : 'pass --port N',
            );
          return String(v.port);
        default:
          throw new UsageError(
            `--probe-command has an unknown placeholder ${ph}`,
            `the placeholders are ${PLACEHOLDERS.join(' ')}`,
          );
      }
    }),
  );
}

export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string | undefined;
}

/** `kubectl exec` arguments; `--` ends kubectl's flags so the probe's own flags are never kubectl's. */
export function execArgs(t: ExecTarget, argv: readonly string[]): string[] {
  return ['exec', '-n', t.namespace, t.pod, ...(t.container ? ['-c', t.container] : []), '--', ...argv];
}

/** argv for a person to read (and copy): bare words stay bare, anything else is JSON-quoted. */
export function displayArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./{}-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}
