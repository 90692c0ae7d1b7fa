// Every command picocal has. A command is listed here only once it really works.
import type { Command } from '../command.js';

export const COMMANDS: Command[] = [];
