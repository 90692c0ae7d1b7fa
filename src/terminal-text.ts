// Text from the boards (hostnames, versions, kubectl and ssh output, Felix metric labels, Ansible
// messages) reaches a person's terminal. A board that answers with ESC sequences could clear the screen,
// set the window title or rewrite earlier lines ("all boards healthy"). Every line picocal writes for a
// person passes through here: control characters are shown as visible escapes (`\x1b`), so nothing a
// board sends is ever interpreted by the terminal. JSON output escapes them by itself.

// C0 controls but tab and newline, DEL, C1 controls, and the Unicode bidi and line-separator controls
// that reorder or break what is shown.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every terminal control made visible; newlines are kept unless `oneLine`. */
export function terminalSafe(text: string, opts: { oneLine?: boolean } = {}): string {
  const safe = text.replace(UNSAFE, visible);
  return opts.oneLine ? safe.replace(/\n/g, '\\n') : safe;
}
