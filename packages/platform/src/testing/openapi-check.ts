import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Problems a standard OpenAPI 3.1 validator finds in `doc` (schema conformance and every `$ref`
 * resolving), as messages; empty when valid. The tools load lazily: only the tests that call this pay for them.
 */
export async function openApiProblems(doc: unknown): Promise<string[]> {
  const { validate } = await import('@readme/openapi-parser');
  // The validator dereferences in place; the caller's document stays as it was.
  const result = await validate(structuredClone(doc) as Parameters<typeof validate>[0]);
  return result.valid ? [] : result.errors.map((e) => e.message);
}

/**
 * Generates a client's types from `doc` with openapi-typescript, as a user of the API would, and
 * compiles them with the TypeScript compiler (`tsc --noEmit --strict` on the generated `.d.ts`).
 * Returns the compiler's diagnostics, empty when the client compiles.
 */
export async function generatedClientProblems(doc: unknown): Promise<string[]> {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const { default: ts } = await import('typescript');
  const source = astToString(await openapiTS(structuredClone(doc) as Parameters<typeof openapiTS>[0]));
  const dir = await mkdtemp(join(tmpdir(), 'openapi-client-'));
  try {
    const file = join(dir, 'client.d.ts');
    await writeFile(file, source);
    const program = ts.createProgram([file], {
      noEmit: true,
      strict: true,
      noUncheckedIndexedAccess: true,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      types: [],
    });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
