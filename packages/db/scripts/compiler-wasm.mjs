// Prisma's generated client loads its query compiler (WebAssembly) from a JavaScript module holding
// it as a 4.5 MB base64 string. An ES module stays loaded for the life of the process, and with it
// its source and that string: about 9 MB of V8 heap, 13 MB of RSS per process, kept only to be
// decoded once. `generate` writes the binary .wasm beside the generated client (decoded from the
// installed @prisma/client, so it always matches its version) and makes the client read that file,
// falling back to the base64 module when the file is missing; `copy` puts the file beside the
// compiled client in dist/ (tsc copies no .wasm).
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLASS = join(PKG, 'src/generated/internal/class.ts');
const WASM = 'query_compiler_fast_bg.postgresql.wasm';
const BASE64 = '@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs';

// The generated loader, exactly as Prisma 7.10 writes it; a Prisma upgrade that changes it fails
// `generate` here instead of silently keeping the base64 module.
const GENERATED = `  getQueryCompilerWasmModule: async () => {
    const { wasm } = await import("${BASE64}")
    return await decodeBase64AsWasm(wasm)
  },`;
const PATCHED = `  getQueryCompilerWasmModule: async () => {
    // Patched by packages/db/scripts/compiler-wasm.mjs: the binary file, not the base64 module.
    const { readFile } = await import('node:fs/promises')
    try {
      return new WebAssembly.Module(await readFile(new URL('./${WASM}', import.meta.url)))
    } catch (err) {
      if (err?.code !== 'ENOENT') throw err
    }
    const { wasm } = await import("${BASE64}")
    return await decodeBase64AsWasm(wasm)
  },`;

if (process.argv[2] === 'generate') {
  const source = readFileSync(CLASS, 'utf8');
  if (!source.includes(PATCHED)) {
    if (!source.includes(GENERATED)) throw new Error(`${CLASS}: Prisma's query compiler loader is not the expected one`);
    writeFileSync(CLASS, source.replace(GENERATED, PATCHED));
  }
  const { wasm } = await import(BASE64);
  writeFileSync(join(dirname(CLASS), WASM), Buffer.from(wasm, 'base64'));
} else if (process.argv[2] === 'copy') {
  copyFileSync(join(dirname(CLASS), WASM), join(PKG, 'dist/generated/internal', WASM));
} else {
  throw new Error('usage: compiler-wasm.mjs generate|copy');
}
