export * from './common.js';
export * from './errors.js';
export * from './auth.js';
export * from './queues.js';
export * from './registry.js';
export * from './experiments.js';
export * from './webhooks.js';
export * from './artifacts.js';
