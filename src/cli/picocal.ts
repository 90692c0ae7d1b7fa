#!/usr/bin/env node
// picocal's entry point. `picocal --version` alone answers before the commands are loaded (loading them all
// costs several times Node's own start-up); `policy matrix` from files, the hot path of scripts and CI,
// starts with its own command only; everything else goes through runProgram with every command.
import type { Command } from './command.js';

// `picocal ... | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  const { packageVersion } = await import('../paths.js');
  process.stdout.write(`picocal ${packageVersion()}\n`);
} else {
  const [commands, { runProgram }] = await Promise.all([
    argv[0] === 'policy' && argv[1] === 'matrix'
      ? import('./commands/policy-matrix.js').then((m): Command[] => [m.policyMatrixCommand])
      : import('./commands/index.js').then((m) => m.COMMANDS),
    import('./main.js'),
  ]);
  process.exitCode = await runProgram(
    {
      name: 'picocal',
      summary: 'provision, verify, upgrade and police Calico on small ARM (Raspberry Pi) clusters',
      commands,
    },
    argv,
  );
}
