/**
 * MOA's ADWINChangeDetector: ADWIN (adwin.ts, δ = 0.002 by default) over the wrapped learner's 0/1 errors,
 * which never reports a warning zone. Which cuts count as a change has differed between MOA versions:
 * - 'any-cut': every cut of the window is a change (MOA releases up to 16.04; changed before 17.06);
 * - 'error-rose': only a cut after which the window's mean is higher than before the input, i.e. the
 *   error rate rose (today's MOA: the rule of commit 585577f6, 2017-06-20, with the flag cleared at every
 *   input since a978d490, 2022-04-06; in between a change, once flagged, stayed flagged). A learner that
 *   got better then keeps its model.
 */
import { Adwin } from './adwin.js';

export type AdwinChangeRule = 'any-cut' | 'error-rose';

/** What a drift wrapper reads from a detector after each input (MOA's ChangeDetector). */
export interface ChangeDetector {
  input(value: number): void;
  readonly change: boolean;
  readonly warningZone: boolean;
}

export class AdwinChangeDetector implements ChangeDetector {
  readonly rule: AdwinChangeRule;
  readonly adwin: Adwin;
  change = false;
  readonly warningZone = false;

  constructor(options: { rule: AdwinChangeRule; delta?: number }) {
    if (options.rule !== 'any-cut' && options.rule !== 'error-rose')
      throw new RangeError(`unknown ADWIN change rule ${String(options.rule)}`);
    this.rule = options.rule;
    this.adwin = new Adwin(options.delta ?? 0.002);
  }

  input(value: number): void {
    const before = this.adwin.estimation;
    const cut = this.adwin.update(value);
    // NaN before the first input: a comparison with it is false, as in Java.
    this.change = cut && (this.rule === 'any-cut' || this.adwin.estimation > before);
  }
}
