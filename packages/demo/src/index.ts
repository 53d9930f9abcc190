export { runLoop, FULL_LOOP, SHORT_LOOP, type LoopOptions, type LoopResult } from './loop.js';
export { Timeline } from './timeline.js';
export { World, FEATURES } from './world.js';
