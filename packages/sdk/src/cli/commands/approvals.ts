import type { Command } from 'commander';
import type { ApprovalDecision, ApprovalsResponse } from '@modelyard/types';
import { withContext } from '../context.js';
import { record } from '../output.js';

const standing = (a: ApprovalsResponse) =>
  a.ready ? 'ready for production' : a.rejected > 0 ? `rejected by ${a.rejected}` : `${a.missing} more approval(s) needed`;

function decisionCommand(models: Command, decision: ApprovalDecision, description: string) {
  models
    .command(`${decision} <name> <version>`)
    .description(description)
    .option('--comment <text>', 'why (kept with the decision and in the audit log)')
    .action(
      withContext(async (ctx, name: string, version: string, opts: { comment?: string }) => {
        const res = await ctx.my.registry.lifecycle.decide(name, version, { decision, comment: opts.comment });
        ctx.print(res, () => `${decision === 'approve' ? 'approved' : 'rejected'} ${name}@${version}: ${standing(res)}`);
      }),
    );
}

/** `modelyard models approve|reject|approvals`: the four-eyes gate before production. */
export function addApprovalCommands(models: Command): void {
  decisionCommand(models, 'approve', 'approve a version for production (not your own)');
  decisionCommand(models, 'reject', 'reject a version for production (blocks it until you approve)');
  models
    .command('approvals <name> <version>')
    .description("a version's approvals against its model's requirement")
    .action(
      withContext(async (ctx, name: string, version: string) => {
        const res = await ctx.my.registry.lifecycle.approvals(name, version);
        ctx.print(res, () =>
          record({
            standing: standing(res),
            required: res.required,
            approved: res.approved,
            rejected: res.rejected,
            by: res.by.map((d) => `${d.actor}: ${d.decision}${d.comment ? ` (${d.comment})` : ''}`),
          }),
        );
      }),
    );
}
