import { Command, Option } from 'commander';
import type { ApiKeyResponse, Role } from '@modelyard/types';
import { withContext } from '../context.js';
import { table } from '../output.js';

/** `modelyard keys …`: API keys (admin). */
export function keysCommand(): Command {
  const keys = new Command('keys').description('API keys (admin only)');

  keys
    .command('create <name>')
    .description('create a key; its secret is printed once')
    .addOption(new Option('--role <role...>', 'roles granted').choices(['viewer', 'editor', 'admin']).default(['viewer']))
    .option('--expires-at <iso>', 'expiry, an ISO 8601 date-time')
    .action(
      withContext(async (ctx, name: string, opts: { role: Role[]; expiresAt?: string }) => {
        const created = await ctx.my.registry.keys.create({
          name,
          roles: opts.role,
          ...(opts.expiresAt ? { expiresAt: opts.expiresAt } : {}),
        });
        ctx.print(
          created,
          () => `created key ${created.id} (${created.roles.join(',')})\n${created.key}\nstore it now: it is not shown again`,
        );
      }),
    );

  keys
    .command('list')
    .description('list keys (never their secrets)')
    .action(
      withContext(async (ctx) => {
        const { items } = await ctx.my.registry.keys.list();
        ctx.print(items, () =>
          table<ApiKeyResponse>(items, [
            { header: 'id', value: (k) => k.id },
            { header: 'name', value: (k) => k.name },
            { header: 'prefix', value: (k) => k.prefix },
            { header: 'roles', value: (k) => k.roles },
            { header: 'expires', value: (k) => k.expiresAt },
            { header: 'revoked', value: (k) => k.revokedAt },
            { header: 'last used', value: (k) => k.lastUsedAt },
          ]),
        );
      }),
    );

  keys
    .command('revoke <id>')
    .description('revoke a key')
    .action(
      withContext(async (ctx, id: string) => {
        const key = await ctx.my.registry.keys.revoke(id);
        ctx.print(key, () => `revoked ${key.id} (${key.name})`);
      }),
    );

  return keys;
}
