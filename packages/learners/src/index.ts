export * from './prng.js';
export * from './hash.js';
export * from './float-codec.js';
export * from './optimizers.js';
export * from './scaler.js';
export * from './linear-model.js';
export * from './models.js';
export * from './metrics.js';
