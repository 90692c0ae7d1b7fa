// The virtual PicoCluster's commands (`picocal lab ...`, LAB ONLY), registered together.
import type { Command } from '../command.js';
import { labDownCommand } from './lab-down.js';
import { labFaultCommand } from './lab-fault.js';
import { labStatusCommand } from './lab-status.js';
import { labUpCommand } from './lab-up.js';

export const labCommands: Command[] = [labUpCommand, labStatusCommand, labDownCommand, labFaultCommand];
