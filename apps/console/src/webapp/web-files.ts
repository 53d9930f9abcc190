import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

export interface WebFile {
  body: Buffer;
  type: string;
  etag: string;
  /** Vite's hashed assets never change under one name. */
  immutable: boolean;
}

const TYPES = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.ico', 'image/x-icon'],
  ['.json', 'application/json'],
  ['.woff2', 'font/woff2'],
  ['.txt', 'text/plain; charset=utf-8'],
]);

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * The built single-page app, read once at start-up into memory (a few hundred kB), keyed by URL
 * path. Only files that exist at start are ever served, so no request path reaches the file
 * system (no traversal to guard against).
 */
export function loadWebFiles(dir: string): Map<string, WebFile> {
  try {
    return readWebFiles(dir);
  } catch (err) {
    // A build emptying and rewriting the directory right now: as good as not built yet.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
}

function readWebFiles(dir: string): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  if (!existsSync(join(dir, 'index.html'))) return files;
  for (const path of walk(dir)) {
    const urlPath = `/${relative(dir, path).split(sep).join('/')}`;
    const body = readFileSync(path);
    files.set(urlPath, {
      body,
      type: TYPES.get(extname(path)) ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      immutable: urlPath.startsWith('/assets/'),
    });
  }
  return files;
}
