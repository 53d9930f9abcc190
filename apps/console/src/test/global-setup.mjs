// Jest's global setup: the browser tests need Debian's chromium (playwright's own browser download
// cannot work on these machines). Installing it can take minutes, longer than a test's timeout, so
// it happens here, once, before any test file starts.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export default function installChromium() {
  if (existsSync('/usr/bin/chromium')) return;
  console.log('installing chromium for the browser tests (apt-get)…');
  execSync('apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium', { stdio: 'inherit' });
}
