import '@modelyard/platform/launch';
import 'reflect-metadata';
import { runService } from '@modelyard/platform';
import { buildDrift } from './config.js';

await runService(buildDrift);
