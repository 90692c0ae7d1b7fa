// POSIX shell quoting for the one command string SSH carries. sshd hands that string to the login shell,
// so every argument (inventory values included) is quoted here and nowhere else.

// Characters no POSIX shell treats specially anywhere in a word (no `=`: a first word `A=b` would be an
// assignment) are left bare so logs stay readable.
const BARE = /^[A-Za-z0-9_@%+:,./-]+$/;

export function shellQuote(arg: string): string {
  if (arg.includes('\0')) {
    throw new TypeError('a shell argument cannot contain a NUL byte');
  }
  if (BARE.test(arg)) return arg;
  // Inside single quotes nothing is special except the closing quote itself: end the quoted run,
  // add an escaped quote, reopen.
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** One command line from an argv array: the only way picocal builds a remote command. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new TypeError('empty command');
  return argv.map(shellQuote).join(' ');
}
