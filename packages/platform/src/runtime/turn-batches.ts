/**
 * Open batches by key, each sent once the current turn of the event loop ends (setImmediate: after
 * the turn's I/O callbacks, so the requests that arrived together share one), or at once when the
 * next item would not fit. The caller adds its item to the batch `take` returns; `send` gets each
 * batch exactly once.
 */
export class TurnBatches<B> {
  // A Map: keys come from requests (a model's or an experiment's key), never object members.
  private pending = new Map<string, B>();
  private scheduled = false;

  constructor(private readonly send: (batch: B) => void) {}

  /** The open batch of `key` (made by `open` when there is none), after sending it first when `full`. */
  take(key: string, open: () => B, full: (batch: B) => boolean): B {
    let batch = this.pending.get(key);
    if (batch !== undefined && full(batch)) {
      this.pending.delete(key);
      this.send(batch);
      batch = undefined;
    }
    if (batch === undefined) {
      batch = open();
      this.pending.set(key, batch);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
    return batch;
  }

  private readonly flush = () => {
    this.scheduled = false;
    const batches = [...this.pending.values()];
    this.pending.clear();
    for (const batch of batches) this.send(batch);
  };
}
