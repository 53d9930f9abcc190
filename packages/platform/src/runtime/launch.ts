// `import '@modelyard/platform/launch'`, the first import of every main.ts: before anything else is
// loaded, the process restarts itself with the Node flags it needs (process-flags.ts).
import { relaunchWithProcessFlags } from './process-flags.js';

relaunchWithProcessFlags();
