// `npm run up`: install, build, migrate and start the whole platform on this machine, then print
// the URLs and an admin API key. Ctrl-C stops every service. The services run in one Node process
// (packages/all-in-one: one Prisma client, one Redis client, the libraries loaded once);
// `npm run up -- --separate` runs one process per service, the production shape.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, checkServices, pnpm, run, step } from './lib.mjs';

const SERVICES = [
  { name: 'registry', port: 3001 },
  { name: 'experiments', port: 3002 },
  { name: 'drift', port: 3003 },
  { name: 'learning', port: 3004 },
  // Ready once it has loaded what the registry designates (it retries until the registry answers).
  { name: 'serving', port: 3005, env: { SERVING_CACHE_DIR: join(ROOT, 'var', 'serving-cache') } },
  // The web UI: sign in with the admin key printed below; it forwards to the services above.
  { name: 'console', port: 3000 },
].filter((s) => existsSync(join(ROOT, 'apps', s.name, 'package.json')));

const VAR = join(ROOT, 'var');
mkdirSync(join(VAR, 'log'), { recursive: true });

/** Local secrets, generated once and kept in var/ (git-ignored) so restarts keep tokens valid. */
function localSecrets() {
  const file = join(VAR, 'secrets.json');
  if (!existsSync(file)) {
    writeFileSync(file, JSON.stringify({ JWT_SECRET: randomBytes(48).toString('base64url') }, null, 2));
    chmodSync(file, 0o600);
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

// First: a private pnpm puts itself on PATH, and the environment below copies PATH.
const pm = pnpm();
const env = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/modelyard',
  REDIS_URL: 'redis://127.0.0.1:6379',
  ...localSecrets(),
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
};

await checkServices(env);
step('installing dependencies');
run(pm, ['install', '--frozen-lockfile']);
step('building');
run(pm, ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], { env });
step('applying database migrations');
run(pm, ['db:deploy'], { env });

// Built just above.
const { PROCESS_FLAGS } = await import('../packages/platform/dist/runtime/process-flags.js');

const KEY_FILE = join(VAR, 'admin-key.txt');

function mintAdminKey() {
  step('minting an admin API key');
  const out = spawnSync('node', ['apps/registry/dist/cli.js', 'create-admin-key', '--name', 'local admin', '--json'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(out.stderr);
  writeFileSync(KEY_FILE, JSON.parse(out.stdout).key);
  chmodSync(KEY_FILE, 0o600);
  return readFileSync(KEY_FILE, 'utf8').trim();
}
let key = existsSync(KEY_FILE) ? readFileSync(KEY_FILE, 'utf8').trim() : mintAdminKey();

/** A key kept from an earlier run is stale when its database was dropped or it was revoked. */
async function keyAccepted(k) {
  const res = await fetch(`http://127.0.0.1:${SERVICES[0].port}/v1/models?limit=1`, { headers: { authorization: `Bearer ${k}` } });
  return res.status !== 401;
}

const SEPARATE = process.argv.includes('--separate');

/** Starts `node <script>` in `cwd`, its output in var/log/<name>.log; its exit stops the platform. */
function launch(name, cwd, script, childEnv) {
  const log = createWriteStream(join(VAR, 'log', `${name}.log`), { flags: 'a' });
  // A log file that cannot be written (disk full) must not take the launcher down with it.
  log.on('error', (err) => console.error(`✗ ${name}: cannot write its log: ${err.message}`));
  // The Node flags the services need (platform/src/runtime/process-flags.ts), given here because on
  // Node < 22.15 a service cannot restart itself with them.
  const child = spawn('node', [...PROCESS_FLAGS, script], { cwd, env: childEnv });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.stderr.on('data', (d) => process.stderr.write(`[${name}] ${d}`));
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`✗ ${name} exited (${signal ?? code}); see var/log/${name}.log`);
      stop(1);
    }
  });
  return child;
}

step(`starting ${SERVICES.map((s) => s.name).join(', ')}${SEPARATE ? ' (one process each)' : ' (one process)'}`);
const children = SEPARATE
  ? SERVICES.map((s) => launch(s.name, join(ROOT, 'apps', s.name), 'dist/main.js', { ...env, PORT: String(s.port), ...s.env }))
  : [
      launch('modelyard', join(ROOT, 'packages', 'all-in-one'), 'dist/main.js', {
        ...env,
        MODELYARD_SERVICES: SERVICES.map((s) => s.name).join(','),
        ...Object.fromEntries(SERVICES.map((s) => [`PORT_${s.name.toUpperCase()}`, String(s.port)])),
        ...Object.assign({}, ...SERVICES.map((s) => s.env ?? {})),
      }),
    ];

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitReady(s) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${s.port}/health/ready`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${s.name} did not become ready within 60 s; see var/log/${SEPARATE ? s.name : 'modelyard'}.log`);
}
try {
  await Promise.all(SERVICES.map(waitReady));
} catch (err) {
  console.error(`✗ ${err.message}`);
  stop(1);
  await new Promise(() => undefined); // stop() exits once the services are down
}
if (!(await keyAccepted(key))) key = mintAdminKey();
const CONSOLE = SERVICES.find((s) => s.name === 'console');
const APIS = SERVICES.filter((s) => s !== CONSOLE);

console.log(`
✓ Modelyard is running (Ctrl-C stops it). Logs: ${SEPARATE ? 'var/log/<service>.log' : 'var/log/modelyard.log'}
${CONSOLE ? `  Console      http://127.0.0.1:${CONSOLE.port}   (sign in with the admin API key below)\n` : ''}${APIS.map((s) => `  ${s.name.padEnd(12)} http://127.0.0.1:${s.port}   docs: http://127.0.0.1:${s.port}/docs`).join('\n')}

  Admin API key (also in var/admin-key.txt):
    ${key}

  Try:
    curl -s -H "Authorization: Bearer ${key}" http://127.0.0.1:3001/v1/models
    npm run demo                                   # the whole loop: drift → retrain → experiment → promotion
    MODELYARD_API_KEY=$(cat var/admin-key.txt) npm run modelyard -- models list
    curl -s -H "Authorization: Bearer ${key}" http://127.0.0.1:3005/v1/models   # what serving serves
`);
