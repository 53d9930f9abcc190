export * from './split-criterion.js';
export * from './observers.js';
export * from './input-schema.js';
export * from './hoeffding-tree.js';
export * from './labelled-tree.js';
export * from './drift/index.js';
