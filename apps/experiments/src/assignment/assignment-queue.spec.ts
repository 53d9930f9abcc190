import { parseQueuedAssignment, queuedAssignment, type QueuedAssignment } from './assignment-queue.js';

describe('the queue of first assignments', () => {
  it.each<[string, string, QueuedAssignment]>([
    ['a unit', queuedAssignment('treatment', 'user-42'), { valid: true, variant: 'treatment', unit: 'user-42' }],
    ['a unit of symbols and letters', queuedAssignment('b', 'ü|€:42'), { valid: true, variant: 'b', unit: 'ü|€:42' }],
    ['a unit with NUL (queued before unit ids were checked)', 'b\tu\u0000x', { valid: false, unit: 'u\u0000x' }],
    ['a unit past 256 characters', `b\t${'x'.repeat(257)}`, { valid: false, unit: 'x'.repeat(257) }],
    ['an empty unit', 'b\t', { valid: false, unit: '' }],
    ['no tab at all', 'garbage', { valid: false, unit: 'garbage' }],
  ])('%s', (_, item, parsed) => {
    expect(parseQueuedAssignment(item)).toEqual(parsed);
  });
});
