// Every command picocal has. A command is listed here only once it really works.
import type { Command } from '../command.js';
import { planCommand, renderCommand } from './render.js';

export const COMMANDS: Command[] = [renderCommand, planCommand];
