import '@modelyard/platform/launch';
import 'reflect-metadata';
import { runService } from '@modelyard/platform';
import { buildExperiments } from './config.js';

await runService(buildExperiments);
