import { JavaRandom } from '../../moa-streams.js';
import { Adwin } from './adwin.js';
import { AdwinChangeDetector, type AdwinChangeRule } from './adwin-change-detector.js';

/** 0/1 errors at rate 0.2 for 600 000 inputs, then 0.5 for 20 000, then 0.1 for 30 000: v = 1 iff nextDouble() < p. */
function* bernoulliErrors(): Generator<number> {
  const r = new JavaRandom(7);
  for (let i = 0; i < 650_000; i++) {
    const p = i < 600_000 ? 0.2 : i < 620_000 ? 0.5 : 0.1;
    yield r.nextDouble() < p ? 1 : 0;
  }
}

// Reference: MOA's ADWIN (the same source at release 16.04, commit c88d4c73, and at 76107cf) and its
// ADWINChangeDetector at each of those commits, fed this sequence by a Java main (new ADWIN(0.002),
// setInput per value; java.util.Random(7) drawing the errors as above).
describe('Adwin (MOA ADWIN, δ = 0.002)', () => {
  it("grows to 600 000 items and cuts where MOA's does, to the same window, mean and variance", () => {
    const adwin = new Adwin();
    const cuts: [number, number, number, number][] = [];
    let i = 0;
    for (const v of bernoulliErrors()) {
      if (adwin.update(v)) cuts.push([i, adwin.windowWidth, adwin.estimation, adwin.variance]);
      if (i === 599_999) {
        // MOA: width 600000, estimation 0.19993166666666667, variance 0.15995899533055602 (no cut in a
        // stationary stretch this long, and past the width where Java's int products wrap).
        expect([adwin.windowWidth, adwin.estimation, adwin.variance]).toEqual([600_000, 0.19993166666666667, 0.15995899533055602]);
      }
      i++;
    }
    // MOA: cuts after inputs 600095, 600191, 620063, 620095, 620127 with these widths, estimations, variances.
    expect(cuts).toEqual([
      [600_095, 256, 0.31640625, 0.22247757261461176],
      [600_191, 288, 0.3993055555555556, 0.24535772899462394],
      [620_063, 1216, 0.46463815789473684, 0.25005148489211776],
      [620_095, 160, 0.2625, 0.20348853024588545],
      [620_127, 160, 0.18125, 0.1582932177458854],
    ]);
    // MOA at the end: width 30032, estimation 0.10149174214171551, variance 0.09124388434973976.
    expect([adwin.windowWidth, adwin.estimation, adwin.variance]).toEqual([30_032, 0.10149174214171551, 0.09124388434973976]);
    expect(adwin.detections).toBe(5);
  });

  it('counts as changes every cut (MOA 16.04) or only those where the error rose (MOA 76107cf)', () => {
    const changesWith = (rule: AdwinChangeRule): number[] => {
      const detector = new AdwinChangeDetector({ rule });
      const at: number[] = [];
      let i = 0;
      let warned = false;
      for (const v of bernoulliErrors()) {
        detector.input(v);
        if (detector.change) at.push(i);
        warned ||= detector.warningZone;
        i++;
      }
      expect(warned).toBe(false);
      return at;
    };
    // MOA 16.04's ADWINChangeDetector: 5 changes; MOA 76107cf's: 2. Which two follows from the
    // estimations above: the cuts that raised the mean toward 0.5, not those on the way down to 0.1.
    expect(changesWith('any-cut')).toEqual([600_095, 600_191, 620_063, 620_095, 620_127]);
    expect(changesWith('error-rose')).toEqual([600_095, 600_191]);
  });

  it('refuses a δ or clock it cannot use', () => {
    expect(() => new Adwin(0)).toThrow(RangeError);
    expect(() => new Adwin(0.002, 0)).toThrow(RangeError);
  });
});
