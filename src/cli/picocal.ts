#!/usr/bin/env node
import { COMMANDS } from './commands/index.js';
import { runProgram } from './main.js';

const code = await runProgram(
  {
    name: 'picocal',
    summary: 'provision, verify, upgrade and police Calico on small ARM (Raspberry Pi) clusters',
    commands: COMMANDS,
  },
  process.argv.slice(2),
);
process.exitCode = code;
