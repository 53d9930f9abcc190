import '@modelyard/platform/launch';
import 'reflect-metadata';
import { runService } from '@modelyard/platform';
import { buildRegistry } from './config.js';

await runService(buildRegistry);
