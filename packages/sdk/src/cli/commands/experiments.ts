import { Command } from 'commander';
import type { ExperimentResponse, ExperimentStatus } from '@modelyard/types';
import { collect } from '../../http/pagination.js';
import { withContext } from '../context.js';
import { table } from '../output.js';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : `${(x * 100).toFixed(2)}%`);

/** `modelyard experiments …`: A/B experiments between model versions. */
export function experimentsCommand(): Command {
  const experiments = new Command('experiments').description('A/B experiments between model versions');

  experiments
    .command('list')
    .description('list experiments')
    .option('--status <status>', 'draft, running, stopped or concluded')
    .option('--model <name>', "only this model's experiments")
    .option('--limit <n>', 'at most this many', (v) => Number(v), 1000)
    .action(
      withContext(async (ctx, opts: { status?: ExperimentStatus; model?: string; limit: number }) => {
        const items = await collect(
          ctx.my.experiments.all({ status: opts.status, model: opts.model, limit: Math.min(200, opts.limit) }),
          opts.limit,
        );
        ctx.print(items, () =>
          table<ExperimentResponse>(items, [
            { header: 'key', value: (e) => e.key },
            { header: 'model', value: (e) => e.model },
            { header: 'status', value: (e) => e.status },
            { header: 'variants', value: (e) => e.variants.map((v) => `${v.key}:${v.version}@${v.weight}`) },
            { header: 'coverage', value: (e) => pct(e.coverage) },
            { header: 'started', value: (e) => e.startedAt },
          ]),
        );
      }),
    );

  experiments
    .command('results <key>')
    .description('per-variant results, lifts, p-values and the recommendation')
    .action(
      withContext(async (ctx, key: string) => {
        const r = await ctx.my.experiments.results(key);
        ctx.print(r, () => {
          const comparisons = table(r.comparisons, [
            { header: 'variant', value: (c) => c.variant },
            { header: 'metric', value: (c) => c.metric },
            { header: 'lift', value: (c) => pct(c.relativeLift) },
            { header: 'p-value', value: (c) => c.pValue },
            { header: 'seq p-value', value: (c) => c.sequentialPValue },
            { header: 'P(beat control)', value: (c) => pct(c.chanceToBeatControl) },
            { header: 'significant', value: (c) => (c.significant ? 'yes' : 'no') },
          ]);
          const units = r.variants.map((v) => `${v.key}=${v.units}`).join(' ');
          return [
            `${r.experiment} (${r.status}), units: ${units}${r.srm.flagged ? '  SAMPLE RATIO MISMATCH' : ''}`,
            comparisons,
            `recommendation: ${r.recommendation.action}${r.recommendation.variant ? ` ${r.recommendation.variant}` : ''} (${r.recommendation.reason})`,
          ].join('\n');
        });
      }),
    );

  for (const [name, description] of [
    ['start', 'start (or restart) an experiment'],
    ['stop', 'stop assigning units'],
  ] as const) {
    experiments
      .command(`${name} <key>`)
      .description(description)
      .action(
        withContext(async (ctx, key: string) => {
          const e = await ctx.my.experiments[name](key);
          ctx.print(e, () => `${e.key} is ${e.status}`);
        }),
      );
  }

  return experiments;
}
