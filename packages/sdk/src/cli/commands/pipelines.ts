import { Command } from 'commander';
import type { PipelineResponse, StatusResponse, UpdateEntry } from '@modelyard/types';
import { collect } from '../../http/pagination.js';
import { withContext } from '../context.js';
import { record, table } from '../output.js';

const limitOption = ['--limit <n>', 'at most this many', (v: string) => Number(v), 1000] as const;

/** The gate's verdict in one cell: `accuracy 0.91 vs 0.89 (1.2.0) passed`. */
function gateCell(u: UpdateEntry): string | null {
  const g = u.gate;
  if (!g) return null;
  const against = g.production === null ? 'no production' : `vs ${g.production}${g.productionVersion ? ` (${g.productionVersion})` : ''}`;
  return `${g.metric} ${g.candidate ?? '-'} ${against} ${g.passed ? 'passed' : 'refused'}`;
}

function statusText(s: StatusResponse): string {
  const last = s.lastUpdate;
  const lines = [
    record({
      pipeline: s.pipeline,
      state: s.state,
      'current version': s.currentVersion,
      updating: s.updating ? 'yes' : 'no',
      buffered: s.bufferSize,
      'samples seen': s.samplesSeen,
      dropped: s.droppedTotal,
      'last update': last
        ? `#${last.seq} ${last.outcome} (${last.reason}, ${last.samples} samples${last.version ? `, version ${last.version}` : ''}) at ${last.finishedAt}`
        : null,
    }),
  ];
  const metrics = Object.entries(s.metrics);
  if (metrics.length)
    lines.push(
      table(metrics, [
        { header: 'metric', value: ([k]) => k },
        { header: 'value', value: ([, v]) => v },
      ]),
    );
  return lines.join('\n');
}

/** `modelyard pipelines …`: learning pipelines, their status, manual updates and update history. */
export function pipelinesCommand(): Command {
  const pipelines = new Command('pipelines').description('learning pipelines: status, manual updates and history');

  pipelines
    .command('list')
    .description('list pipelines')
    .option('--model <name>', "only this model's pipelines")
    .option('--state <state>', 'active or paused')
    .option(...limitOption)
    .action(
      withContext(async (ctx, opts: { model?: string; state?: PipelineResponse['state']; limit: number }) => {
        const items = await collect(
          ctx.my.learning.pipelines.all({ model: opts.model, state: opts.state, limit: Math.min(200, opts.limit) }),
          opts.limit,
        );
        ctx.print(items, () =>
          table<PipelineResponse>(items, [
            { header: 'name', value: (p) => p.name },
            { header: 'model', value: (p) => p.model },
            { header: 'state', value: (p) => p.state },
            {
              header: 'learner',
              value: (p) =>
                p.learner.type === 'external'
                  ? `external/${p.learner.task}`
                  : 'optimizer' in p.learner
                    ? `${p.learner.type}/${p.learner.optimizer}`
                    : p.learner.type,
            },
            { header: 'strategy', value: (p) => p.strategy },
            { header: 'gate', value: (p) => `${p.gate.metric} (${p.gate.direction})` },
            { header: 'version', value: (p) => p.currentVersion },
            { header: 'id', value: (p) => p.id },
          ]),
        );
      }),
    );

  pipelines
    .command('status <pipeline>')
    .description('buffer, samples seen, current version, last update and rolling metrics (pipeline id or name)')
    .action(
      withContext(async (ctx, ref: string) => {
        const status = await ctx.my.learning.pipelines.status(ref);
        ctx.print(status, () => statusText(status));
      }),
    );

  pipelines
    .command('trigger <pipeline>')
    .description('run an update now (a trigger while one is queued joins it)')
    .action(
      withContext(async (ctx, ref: string) => {
        const job = await ctx.my.learning.pipelines.trigger(ref);
        ctx.print(job, () => `update queued: job ${job.jobId} (${job.reason})`);
      }),
    );

  pipelines
    .command('history <pipeline>')
    .description("a pipeline's update runs, newest first")
    .option(...limitOption)
    .action(
      withContext(async (ctx, ref: string, opts: { limit: number }) => {
        const items = await collect(ctx.my.learning.pipelines.historyAll(ref, { limit: Math.min(200, opts.limit) }), opts.limit);
        ctx.print(items, () =>
          table<UpdateEntry>(items, [
            { header: 'run', value: (u) => u.seq },
            { header: 'finished', value: (u) => u.finishedAt },
            { header: 'reason', value: (u) => u.reason },
            { header: 'outcome', value: (u) => u.outcome },
            { header: 'samples', value: (u) => u.samples },
            { header: 'version', value: (u) => u.version },
            { header: 'gate', value: gateCell },
            { header: 'experiment', value: (u) => u.experimentKey },
            { header: 'detail', value: (u) => u.detail },
          ]),
        );
      }),
    );

  return pipelines;
}
