import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpClient } from '../http/http-client.js';
import { ArtifactsClient } from './artifacts.client.js';

describe('artifact upload stream', () => {
  it('turns a file that cannot be read any more into an error of the upload, not a crash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelyard-sdk-'));
    const file = join(dir, 'model.onnx');
    await writeFile(file, 'x'.repeat(1000));
    let readError: unknown;
    // Stands in for the HTTP client: the file vanishes between hashing and sending.
    const http = {
      async json(_method: string, _path: string, _schema: unknown, options: { rawBody: () => ReadableStream }) {
        await rm(file);
        const reader = options.rawBody().getReader();
        try {
          while (!(await reader.read()).done);
        } catch (err) {
          readError = err;
        }
        throw new Error('upload failed');
      },
    } as unknown as HttpClient;
    await expect(new ArtifactsClient(http).push('m', '1.0.0', 'model.onnx', file)).rejects.toThrow('upload failed');
    expect((readError as NodeJS.ErrnoException).code).toBe('ENOENT');
    await rm(dir, { recursive: true, force: true });
  });
});
