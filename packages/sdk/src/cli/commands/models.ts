import { Command, Option } from 'commander';
import type { ModelResponse, VersionResponse } from '@modelyard/types';
import { collect } from '../../http/pagination.js';
import { withContext } from '../context.js';
import { record, table } from '../output.js';
import { addApprovalCommands } from './approvals.js';

const metricsOf = (v: VersionResponse) =>
  Object.entries(v.metrics)
    .map(([k, x]) => `${k}=${Number(x.toPrecision(4))}`)
    .join(' ');

const versionColumns = [
  { header: 'version', value: (v: VersionResponse) => v.version },
  { header: 'stage', value: (v: VersionResponse) => v.stage },
  { header: 'metrics', value: (v: VersionResponse) => metricsOf(v) },
  { header: 'created', value: (v: VersionResponse) => v.createdAt },
];

/** `modelyard models …`: the registry's models, versions and lifecycle. */
export function modelsCommand(): Command {
  const models = new Command('models').description('models and versions in the registry');

  models
    .command('list')
    .description('list models')
    .option('--prefix <prefix>', 'names starting with')
    .option('--tag <tag>', 'models with this tag')
    .option('--limit <n>', 'at most this many', (v) => Number(v), 1000)
    .action(
      withContext(async (ctx, opts: { prefix?: string; tag?: string; limit: number }) => {
        const items = await collect(
          ctx.my.registry.models.all({ prefix: opts.prefix, tag: opts.tag, limit: Math.min(200, opts.limit) }),
          opts.limit,
        );
        ctx.print(items, () =>
          table<ModelResponse>(items, [
            { header: 'name', value: (m) => m.name },
            { header: 'owner', value: (m) => m.owner },
            { header: 'tags', value: (m) => m.tags },
            { header: 'updated', value: (m) => m.updatedAt },
          ]),
        );
      }),
    );

  models
    .command('show <name>')
    .description('a model, its production version and aliases')
    .action(
      withContext(async (ctx, name: string) => {
        const model = await ctx.my.registry.models.get(name);
        const production = await ctx.my.registry.versions.production(name).catch((err: { status?: number }) => {
          if (err.status === 404) return null;
          throw err;
        });
        const aliases = (await ctx.my.registry.aliases.list(name)).items;
        ctx.print({ ...model, production, aliases }, () =>
          record({
            name: model.name,
            description: model.description,
            owner: model.owner,
            tags: model.tags,
            production: production ? `${production.version} (${metricsOf(production) || 'no metrics'})` : null,
            aliases: aliases.map((a) => `${a.alias}=${a.version}`),
            created: model.createdAt,
          }),
        );
      }),
    );

  models
    .command('versions <name>')
    .description("a model's versions, newest first")
    .option('--stage <stage>', 'only versions in this stage')
    .option('--limit <n>', 'at most this many', (v) => Number(v), 1000)
    .action(
      withContext(async (ctx, name: string, opts: { stage?: VersionResponse['stage']; limit: number }) => {
        const items = await collect(
          ctx.my.registry.versions.all(name, { stage: opts.stage, limit: Math.min(200, opts.limit) }),
          opts.limit,
        );
        ctx.print(items, () => table(items, versionColumns));
      }),
    );

  models
    .command('promote <name> <version>')
    .description('put a staging version into production (archives the current one)')
    .option('--reason <text>', 'recorded in the audit log')
    .option('--metric <name>', 'only if this metric beats production')
    .addOption(new Option('--direction <dir>', 'is higher or lower better').choices(['higher', 'lower']).default('higher'))
    .option('--min-improvement <x>', 'by at least this much', (v) => Number(v), 0)
    .action(
      withContext(
        async (
          ctx,
          name: string,
          version: string,
          opts: { reason?: string; metric?: string; direction: 'higher' | 'lower'; minImprovement: number },
        ) => {
          const policy = opts.metric ? { metric: opts.metric, direction: opts.direction, minImprovement: opts.minImprovement } : undefined;
          const res = await ctx.my.registry.lifecycle.promote(name, version, { reason: opts.reason, policy });
          ctx.print(
            res,
            () =>
              `promoted ${name}@${res.promoted.version} to production${res.archived ? ` (archived ${res.archived})` : ''}${res.decision ? `: ${res.decision.reason}` : ''}`,
          );
        },
      ),
    );

  models
    .command('rollback <name>')
    .description('put the previous production version back')
    .option('--to <version>', 'this version instead of the previous one')
    .option('--reason <text>', 'recorded in the audit log')
    .action(
      withContext(async (ctx, name: string, opts: { to?: string; reason?: string }) => {
        const res = await ctx.my.registry.lifecycle.rollback(name, { to: opts.to, reason: opts.reason });
        ctx.print(res, () => `rolled ${name} back to ${res.production.version}${res.archived ? ` (archived ${res.archived})` : ''}`);
      }),
    );

  models
    .command('compare <name> <versions...>')
    .description('metrics of two or more versions side by side, with differences to the first')
    .action(
      withContext(async (ctx, name: string, versions: string[]) => {
        const res = await ctx.my.registry.versions.compare(name, versions);
        const names = res.versions.map((v) => v.version);
        ctx.print(res, () =>
          table(res.metrics, [
            { header: 'metric', value: (m) => m.name },
            ...names.map((v, i) => ({
              header: v,
              value: (m: (typeof res.metrics)[number]) => (i === 0 ? m.values[v] : `${m.values[v] ?? '-'} (${signed(m.diff[v])})`),
            })),
          ]),
        );
      }),
    );

  addApprovalCommands(models);
  return models;
}

function signed(x: number | null | undefined): string {
  if (x === null || x === undefined) return '-';
  const rounded = Number(x.toPrecision(4));
  return rounded > 0 ? `+${rounded}` : String(rounded);
}
