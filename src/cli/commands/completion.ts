// `picocal completion bash|zsh|fish`: a completion script generated from the command table.
import { EXIT, UsageError } from '../../errors.js';
import { closest } from '../../schema/did-you-mean.js';
import type { Command } from '../command.js';
import { completionScript, SHELLS, type Shell } from '../completion.js';
import { GLOBAL_OPTIONS } from '../main.js';

/** The command table is passed in (as a function: this command is part of it). */
export function completionCommand(commands: () => readonly Command[]): Command {
  return {
    name: 'completion',
    summary: 'print a shell completion script (bash, zsh or fish)',
    args: 'bash|zsh|fish',
    description:
      'Prints a script that completes commands, sub-commands, options and their fixed values. Load it in the\n' +
      'current shell, or save it where the shell loads completions from.',
    examples: [
      'source <(picocal completion bash)          # bash; or: picocal completion bash > /etc/bash_completion.d/picocal',
      'source <(picocal completion zsh)           # zsh',
      'picocal completion fish | source           # fish; or save as ~/.config/fish/completions/picocal.fish',
    ],
    run(ctx) {
      const [shell, ...extra] = ctx.positionals;
      if (!shell || extra.length || !(SHELLS as readonly string[]).includes(shell)) {
        const guess = shell ? closest(shell, SHELLS) : undefined;
        throw new UsageError(
          shell ? `no completion for '${shell}'` : 'which shell?',
          guess ? `did you mean '${guess}'?` : `name one of: ${SHELLS.join(', ')}`,
        );
      }
      const script = completionScript(shell as Shell, {
        name: 'picocal',
        commands: commands(),
        globals: GLOBAL_OPTIONS,
      });
      if (ctx.global.output === 'json') ctx.out.json({ shell, script });
      else ctx.out.print(script.replace(/\n$/, ''));
      return Promise.resolve(EXIT.ok);
    },
  };
}
