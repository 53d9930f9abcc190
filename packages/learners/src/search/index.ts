export * from './halton.js';
export * from './sobol.js';
