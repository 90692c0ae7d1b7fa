// `picocal runs list` and `picocal runs show RUN`: the history of bootstrap, reprovision and upgrade
// runs kept under .picocal/runs/ of the folder picocal runs in.
import { EXIT, UsageError } from '../../errors.js';
import { findRun, listRuns } from '../../observe/runs/history.js';
import { runJson, runsTable, runText } from '../../observe/runs/render.js';
import type { Command } from '../command.js';

export const runsList: Command = {
  name: 'runs list',
  summary: 'list the recorded runs: id, command, start time, outcome',
  description:
    'Every run folder under .picocal/runs/ of the current folder, oldest first. The outcome comes from the\n' +
    "run's record (summary.json, report.json, state.json); a folder without one is a run that was refused\n" +
    'or stopped before it finished.',
  examples: ['picocal runs list', 'picocal runs list --output json'],
  run(ctx) {
    if (ctx.positionals.length) throw new UsageError(`unexpected argument '${ctx.positionals[0]}'`);
    const runs = listRuns(ctx.cwd);
    ctx.out.json({ runs: runs.map((r) => runJson(r, false)) });
    if (!runs.length) ctx.out.info('no runs recorded here (.picocal/runs/ is empty or missing)');
    else for (const line of runsTable(runs)) ctx.out.print(line);
    return Promise.resolve(EXIT.ok);
  },
};

export const runsShow: Command = {
  name: 'runs show',
  summary: 'show one run: what ran, when, how it ended, and its report',
  args: 'RUN',
  description: 'RUN is a run id from `picocal runs list`, a unique prefix of one, or `last`.',
  examples: ['picocal runs show last', 'picocal runs show 20261207-0049 --output json'],
  run(ctx) {
    const [wanted, ...extra] = ctx.positionals;
    if (!wanted || extra.length)
      throw new UsageError('expected one RUN', "e.g. 'picocal runs show last' (ids: picocal runs list)");
    const run = findRun(ctx.cwd, wanted);
    ctx.out.json(runJson(run, true));
    for (const line of runText(run)) ctx.out.print(line);
    return Promise.resolve(EXIT.ok);
  },
};
