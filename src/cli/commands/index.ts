// Every command picocal has. A command is listed here only once it really works.
import type { Command } from '../command.js';
import { planCommand, renderCommand } from './render.js';
import { policyMatrixCommand } from './policy-matrix.js';
import { policyEnforce } from './policy-enforce.js';
import { policyLint } from './policy-lint.js';
import { policyNew } from './policy-new.js';
import { policyStage } from './policy-stage.js';

export const COMMANDS: Command[] = [
  renderCommand,
  planCommand,
  policyMatrixCommand,
  policyLint,
  policyStage,
  policyEnforce,
  policyNew,
];
