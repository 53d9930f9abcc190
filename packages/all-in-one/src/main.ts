import '@modelyard/platform/launch';
import 'reflect-metadata';
import { ConfigError, startServices } from '@modelyard/platform';
import { servicesToStart, UnknownServiceError } from './services.js';

// `node packages/all-in-one/dist/main.js`: the services MODELYARD_SERVICES names (all by default)
// in this one process; SIGINT or SIGTERM closes them, the console first and the registry last.
try {
  const running = await startServices(servicesToStart(process.env), process.env.LOG_LEVEL ?? 'info');
  for (const [name, url] of running.urls) console.log(`${name} ${url}`);
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  if (err instanceof ConfigError || err instanceof UnknownServiceError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
