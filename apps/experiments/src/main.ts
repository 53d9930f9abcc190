import 'reflect-metadata';
import { ConfigError, createApp, listen } from '@modelyard/platform';
import { buildExperiments } from './config.js';

try {
  const { module, config } = buildExperiments(process.env);
  const app = await createApp(module, config);
  await listen(app, config);
} catch (err) {
  // A configuration problem is the operator's to fix: say what is wrong, without a stack trace.
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
