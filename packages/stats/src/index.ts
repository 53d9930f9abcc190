export { kstwoSf, kstwoCdf } from './kstwo.js';
export { smirnovSf } from './smirnov.js';
export { ks2samp, ks2sampSorted, ksStatisticSorted, ksPValue } from './ks.js';
export type { KsMethod, KsOptions, KsResult } from './ks.js';
export { sortSample, type Sample, type SortedSample } from './sample.js';
