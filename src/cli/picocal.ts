#!/usr/bin/env node
import { COMMANDS } from './commands/index.js';
import { runProgram } from './main.js';

// `picocal ... | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const code = await runProgram(
  {
    name: 'picocal',
    summary: 'provision, verify, upgrade and police Calico on small ARM (Raspberry Pi) clusters',
    commands: COMMANDS,
  },
  process.argv.slice(2),
);
process.exitCode = code;
