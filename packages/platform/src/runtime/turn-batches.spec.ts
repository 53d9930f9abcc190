import { TurnBatches } from './turn-batches.js';

const turn = () => new Promise((r) => setImmediate(r));

describe('TurnBatches', () => {
  it('sends one batch per key once the turn ends, a full one at once, and starts afresh in the next turn', async () => {
    const sent: string[][] = [];
    const batches = new TurnBatches<string[]>((b) => sent.push(b));
    const add = (key: string, item: string) =>
      batches
        .take(
          key,
          () => [key],
          (b) => b.length > 2,
        )
        .push(item);
    add('a', '1');
    add('b', '1');
    add('a', '2');
    expect(sent).toEqual([]);
    // 'a' holds [a, 1, 2]: full, so it goes before the next item opens a new one.
    add('a', '3');
    expect(sent).toEqual([['a', '1', '2']]);
    await turn();
    expect(sent).toEqual([
      ['a', '1', '2'],
      ['b', '1'],
      ['a', '3'],
    ]);
    add('b', '2');
    await turn();
    expect(sent.at(-1)).toEqual(['b', '2']);
    expect(sent).toHaveLength(4);
  });

  it('keeps a key named like an object member a key', async () => {
    const sent: string[][] = [];
    const batches = new TurnBatches<string[]>((b) => sent.push(b));
    batches
      .take(
        '__proto__',
        () => ['p'],
        () => false,
      )
      .push('x');
    batches
      .take(
        'constructor',
        () => ['c'],
        () => false,
      )
      .push('y');
    await turn();
    expect(sent).toEqual([
      ['p', 'x'],
      ['c', 'y'],
    ]);
  });
});
