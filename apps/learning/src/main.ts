import '@modelyard/platform/launch';
import 'reflect-metadata';
import { runService } from '@modelyard/platform';
import { buildLearning } from './config.js';

await runService(buildLearning);
