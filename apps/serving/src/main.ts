import '@modelyard/platform/launch';
import 'reflect-metadata';
import { runService } from '@modelyard/platform';
import { buildServing } from './config.js';

await runService(buildServing);
