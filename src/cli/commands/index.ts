// Every command picocal has. A command is listed here only once it really works.
import type { Command } from '../command.js';
import { labCommands } from './lab-commands.js';
import { planCommand, renderCommand } from './render.js';
import { bootstrapCommand, reprovisionCommand } from './bootstrap.js';
import { artifactsFetchCommand, artifactsImportCommand } from './artifacts.js';
import { policyMatrixCommand } from './policy-matrix.js';
import { policyEnforce } from './policy-enforce.js';
import { policyLint } from './policy-lint.js';
import { policyNew } from './policy-new.js';
import { policyStage } from './policy-stage.js';
import { policyTest } from './policy-test.js';
import { ciInit } from './ci-init.js';
import { gitopsFlux } from './gitops-flux.js';
import { monitoringRules } from './monitoring-rules.js';
import { policyLogRules } from './policy-log-rules.js';
import { policyList } from './policy-list.js';
import { verifyCommand } from './verify.js';
import { upgradeCommand } from './upgrade.js';
import { statusCommand } from './status.js';
import { policyDenied } from './policy-denied.js';
import { policyFlows } from './policy-flows.js';
import { policyRecommend } from './policy-recommend.js';
import { completionCommand } from './completion.js';
import { runsList, runsShow } from './runs.js';
import { doctorCommand } from './doctor.js';
import { k3sConfigCommand } from './k3s-config.js';

export const COMMANDS: Command[] = [
  ...labCommands,
  bootstrapCommand,
  reprovisionCommand,
  renderCommand,
  planCommand,
  artifactsFetchCommand,
  artifactsImportCommand,
  policyMatrixCommand,
  policyLint,
  policyStage,
  policyEnforce,
  policyNew,
  policyTest,
  ciInit,
  gitopsFlux,
  monitoringRules,
  policyLogRules,
  policyList,
  verifyCommand,
  upgradeCommand,
  statusCommand,
  policyDenied,
  policyFlows,
  policyRecommend,
  runsList,
  runsShow,
  completionCommand(() => COMMANDS),
  doctorCommand,
  k3sConfigCommand,
];
