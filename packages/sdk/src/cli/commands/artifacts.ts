import { basename, join } from 'node:path';
import { Command } from 'commander';
import { withContext } from '../context.js';
import { bytes, table } from '../output.js';
import { progressBar } from '../progress.js';

const barMode = (ctx: { json: boolean }, opts: { progress?: boolean }) => (opts.progress ? 'force' : ctx.json ? 'off' : 'auto');

/** `modelyard artifacts …`: files of a version, streamed with SHA-256 checks and progress bars. */
export function artifactsCommand(): Command {
  const artifacts = new Command('artifacts').description("a version's files (SHA-256 checked both ways)");

  artifacts
    .command('list <model> <version>')
    .description("a version's manifest")
    .action(
      withContext(async (ctx, model: string, version: string) => {
        const manifest = await ctx.my.registry.artifacts.manifest(model, version);
        ctx.print(manifest, () =>
          table(manifest.items, [
            { header: 'path', value: (i) => i.path },
            { header: 'size', value: (i) => bytes(i.size) },
            { header: 'sha256', value: (i) => i.sha256 },
            { header: 'type', value: (i) => i.contentType },
          ]),
        );
      }),
    );

  artifacts
    .command('push <model> <version> <file>')
    .description('upload a file to a draft version')
    .option('--path <path>', 'its path in the version (default: the file name)')
    .option('--content-type <type>', "the artifact's media type")
    .option('--progress', 'draw the progress bar even when stderr is not a terminal')
    .action(
      withContext(
        async (ctx, model: string, version: string, file: string, opts: { path?: string; contentType?: string; progress?: boolean }) => {
          const target = opts.path ?? basename(file);
          const bar = progressBar(`push ${target}`, barMode(ctx, opts));
          try {
            const res = await ctx.my.registry.artifacts.push(model, version, target, file, {
              contentType: opts.contentType,
              onProgress: bar.onProgress,
            });
            bar.stop();
            ctx.print(
              res,
              () =>
                `uploaded ${model}@${version}/${res.path} (${bytes(res.size)}, sha256 ${res.sha256}${res.deduplicated ? ', already stored' : ''})`,
            );
          } finally {
            bar.stop();
          }
        },
      ),
    );

  artifacts
    .command('pull <model> <version> [path]')
    .description('download one file, or every file of the version; each is verified before it is kept')
    .option('-o, --output <target>', 'file (one path) or directory (all files)', '.')
    .option('--progress', 'draw the progress bar even when stderr is not a terminal')
    .action(
      withContext(async (ctx, model: string, version: string, path: string | undefined, opts: { output: string; progress?: boolean }) => {
        const bar = progressBar(`pull ${path ?? `${model}@${version}`}`, barMode(ctx, opts));
        try {
          const pulled = path
            ? [
                await ctx.my.registry.artifacts.pull(model, version, path, opts.output === '.' ? basename(path) : opts.output, {
                  onProgress: bar.onProgress,
                }),
              ]
            : await ctx.my.registry.artifacts.pullAll(model, version, opts.output, { onProgress: bar.onProgress });
          bar.stop();
          ctx.print(pulled, () => pulled.map((p) => `${p.file}  ${bytes(p.size)}  sha256 ${p.sha256}`).join('\n') || 'no artifacts');
        } finally {
          bar.stop();
        }
      }),
    );

  artifacts
    .command('verify <model> <version>')
    .description('have the registry re-hash its copies; with --dir, check local files against the manifest')
    .option('--dir <dir>', 'local copies to check instead')
    .action(
      withContext(async (ctx, model: string, version: string, opts: { dir?: string }) => {
        const res = opts.dir
          ? await ctx.my.registry.artifacts.verifyLocal(model, version, opts.dir)
          : await ctx.my.registry.artifacts.verify(model, version);
        const items = res.items.map((i) => ({ path: i.path, status: i.status }));
        ctx.print(
          res,
          () =>
            `${table(items, [
              { header: 'path', value: (i) => (opts.dir ? join(opts.dir, i.path) : i.path) },
              { header: 'status', value: (i) => i.status },
            ])}\n${res.ok ? 'all artifacts verified' : 'verification FAILED'}`,
        );
        if (!res.ok) process.exitCode = 1;
      }),
    );

  return artifacts;
}
