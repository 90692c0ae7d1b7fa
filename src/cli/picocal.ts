#!/usr/bin/env node
import type { Command } from './command.js';
import { runProgram } from './main.js';

// `picocal ... | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const argv = process.argv.slice(2);
// `policy matrix` from files is the hot path of scripts and CI: it starts with its own command only,
// without loading every other one (Ansible, SSH, schema and terminal libraries: half a second).
const commands: Command[] =
  argv[0] === 'policy' && argv[1] === 'matrix'
    ? [(await import('./commands/policy-matrix.js')).policyMatrixCommand]
    : (await import('./commands/index.js')).COMMANDS;
const code = await runProgram(
  {
    name: 'picocal',
    summary: 'provision, verify, upgrade and police Calico on small ARM (Raspberry Pi) clusters',
    commands,
  },
  argv,
);
process.exitCode = code;
