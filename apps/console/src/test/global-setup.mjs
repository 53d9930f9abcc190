// Jest's global setup, once before any test file starts:
// - the browser tests need Debian's chromium (playwright's own browser download cannot work on
//   these machines); installing it can take minutes, longer than a test's timeout;
// - the console serves the built web app (dist/web). Under turbo the package's build has run
//   first (turbo.json); run directly, a missing web app is built here, never rebuilt over one a
//   running console may be reading.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

function buildWebAppIfMissing() {
  if (existsSync(join(PACKAGE_DIR, 'dist/web/index.html'))) return;
  console.log('building the console web app (vite build)…');
  const manifest = createRequire(join(PACKAGE_DIR, 'package.json')).resolve('vite/package.json');
  const bin = JSON.parse(readFileSync(manifest, 'utf8')).bin.vite;
  execFileSync(process.execPath, [join(dirname(manifest), bin), 'build'], { cwd: PACKAGE_DIR, stdio: 'inherit' });
}

export default function globalSetup() {
  buildWebAppIfMissing();
  if (existsSync('/usr/bin/chromium')) return;
  console.log('installing chromium for the browser tests (apt-get)…');
  execSync('apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium', { stdio: 'inherit' });
}
