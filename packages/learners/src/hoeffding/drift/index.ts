export * from './adwin.js';
export * from './adwin-change-detector.js';
export * from './single-classifier-drift.js';
