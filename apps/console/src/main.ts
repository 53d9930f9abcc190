import '@modelyard/platform/launch';
import 'reflect-metadata';
import { runService } from '@modelyard/platform';
import { buildConsole } from './config.js';

await runService(buildConsole);
