export { fnv1a32, hash } from './hash.js';
export { bucketRanges, chooseVariant, type BucketRange } from './ranges.js';
export { assigner, type Assignment, type AssignmentConfig } from './assign.js';
export { AssignmentCache, OUTSIDE_TTL_MS } from './assignment-cache.js';
