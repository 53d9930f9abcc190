import { Command } from 'commander';
import type { AlertResponse, FeatureDrift, MonitorResponse, ReportResponse } from '@modelyard/types';
import { collect } from '../../http/pagination.js';
import { withContext } from '../context.js';
import { record, table } from '../output.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const limitOption = ['--limit <n>', 'at most this many', (v: string) => Number(v), 1000] as const;

/** Per-feature verdicts, the prediction last (as `prediction:<name>`). */
function driftTable(report: ReportResponse): string {
  const rows = report.prediction
    ? [...report.features, { ...report.prediction, name: `prediction:${report.prediction.name}` }]
    : report.features;
  return table<FeatureDrift>(rows, [
    { header: 'feature', value: (f) => f.name },
    { header: 'test', value: (f) => f.test },
    { header: 'statistic', value: (f) => f.statistic },
    { header: 'p-value', value: (f) => f.pValue },
    { header: 'threshold', value: (f) => f.threshold },
    { header: 'drifted', value: (f) => (f.drifted ? 'yes' : 'no') },
    { header: 'severity', value: (f) => f.severity },
  ]);
}

function reportText(r: ReportResponse): string {
  const drifted = r.features.filter((f) => f.drifted).length;
  const lines = [
    `severity: ${r.severity}  (${drifted}/${r.features.length} features drifted, ${pct(r.driftedShare)})`,
    `window: ${r.windowRecords} records (seq ${r.windowSeq})  reference: ${r.referenceRows} rows (v${r.referenceVersion})  report ${r.id}`,
    driftTable(r),
  ];
  if (r.rules.length) lines.push(`rules fired: ${r.rules.map((x) => x.message).join('; ')}`);
  lines.push(...r.recommendations.map((x) => `- ${x}`));
  return lines.join('\n');
}

/** `modelyard monitors …`: drift monitors, their checks, reports and alerts. */
export function monitorsCommand(): Command {
  const monitors = new Command('monitors').description('drift monitors: checks, reports and alerts');

  monitors
    .command('list')
    .description('list monitors')
    .option('--model <name>', "only this model's monitors")
    .option(...limitOption)
    .action(
      withContext(async (ctx, opts: { model?: string; limit: number }) => {
        const items = await collect(ctx.my.drift.monitors.all({ model: opts.model, limit: Math.min(200, opts.limit) }), opts.limit);
        ctx.print(items, () =>
          table<MonitorResponse>(items, [
            { header: 'id', value: (m) => m.id },
            { header: 'name', value: (m) => m.name },
            { header: 'model', value: (m) => (m.version ? `${m.model}@${m.version}` : m.model) },
            { header: 'status', value: (m) => m.status },
            { header: 'features', value: (m) => m.features.length },
            { header: 'reference', value: (m) => m.reference.rows },
            { header: 'records', value: (m) => m.recordsIngested },
            { header: 'every', value: (m) => `${m.schedule.everySeconds}s` },
          ]),
        );
      }),
    );

  monitors
    .command('show <id>')
    .description('a monitor: features, window, schedule, alerting, reference')
    .action(
      withContext(async (ctx, id: string) => {
        const m = await ctx.my.drift.monitors.get(id);
        ctx.print(m, () =>
          record({
            id: m.id,
            name: m.name,
            model: m.version ? `${m.model}@${m.version}` : m.model,
            status: m.status,
            features: m.features.map((f) => `${f.name}:${f.kind}/${f.test}`),
            prediction: m.prediction ? `${m.prediction.name}:${m.prediction.kind}` : null,
            label: m.label ? `${m.label.name}:${m.label.kind}` : null,
            window: m.window.size,
            schedule: `every ${m.schedule.everySeconds}s`,
            alerting: `>= ${m.alerting.minSeverity}, cool-down ${m.alerting.cooldownSeconds}s${m.alerting.webhookUrl ? `, ${m.alerting.webhookUrl}` : ''}`,
            reference: `${m.reference.rows} rows (v${m.reference.version})`,
            records: m.recordsIngested,
            created: m.createdAt,
          }),
        );
      }),
    );

  monitors
    .command('check <id>')
    .description("check the current window now and print the report's severity and per-feature verdicts")
    .action(
      withContext(async (ctx, id: string) => {
        const report = await ctx.my.drift.check(id);
        ctx.print(report, () => reportText(report));
      }),
    );

  monitors
    .command('reports <id>')
    .description("a monitor's reports, newest first")
    .option(...limitOption)
    .action(
      withContext(async (ctx, id: string, opts: { limit: number }) => {
        const items = await collect(ctx.my.drift.reports.all(id, { limit: Math.min(200, opts.limit) }), opts.limit);
        ctx.print(items, () =>
          table<ReportResponse>(items, [
            { header: 'id', value: (r) => r.id },
            { header: 'created', value: (r) => r.createdAt },
            { header: 'trigger', value: (r) => r.trigger },
            { header: 'severity', value: (r) => r.severity },
            { header: 'drifted', value: (r) => r.features.filter((f) => f.drifted).map((f) => f.name) },
            { header: 'window', value: (r) => r.windowRecords },
          ]),
        );
      }),
    );

  monitors
    .command('alerts [id]')
    .description('alerts, newest first (of one monitor when an id is given)')
    .option('--model <name>', "only this model's alerts")
    .option('--status <status>', 'active or acknowledged')
    .option(...limitOption)
    .action(
      withContext(async (ctx, id: string | undefined, opts: { model?: string; status?: AlertResponse['status']; limit: number }) => {
        const items = await collect(
          ctx.my.drift.alerts.all({ monitorId: id, model: opts.model, status: opts.status, limit: Math.min(200, opts.limit) }),
          opts.limit,
        );
        ctx.print(items, () =>
          table<AlertResponse>(items, [
            { header: 'id', value: (a) => a.id },
            { header: 'created', value: (a) => a.createdAt },
            { header: 'severity', value: (a) => a.severity },
            { header: 'kind', value: (a) => a.kind },
            { header: 'status', value: (a) => a.status },
            { header: 'message', value: (a) => a.message },
          ]),
        );
      }),
    );

  return monitors;
}
