// entropy and mse on random histograms (restored from JSON, so any shape can be made): sparse ones full
// of exact ties, dense ones, and counts near 2^53 that need the 128-bit path of native/calib/amax_mse.cpp.
// mse is exact, so its pick must be the exact reference's first minimum; entropy may differ from the
// float64 reference only where two divergences tie to rounding.
import { describe, expect, it } from 'vitest';
import { Histogram } from '../../lib/index.js';
import { argminLast, refEntropyDivergences, refMseErrorsExact } from '../helpers/calib-reference.js';
import { rng } from '../helpers/random.js';

type Shape = 'sparse' | 'tiny' | 'dense' | 'decay' | 'huge';
const SHAPES: Shape[] = ['sparse', 'tiny', 'dense', 'decay', 'huge'];

/** Counts with the highest occupied bin in the upper half, so that widthLog2 = 0 fits max = top + 0.5. */
function randomCounts(bins: number, shape: Shape, seed: number): number[] {
  const r = rng(seed);
  const top = Math.floor(bins / 2 + r() * (bins / 2));
  const counts = new Array<number>(bins).fill(0);
  for (let j = 0; j < top; j++) {
    switch (shape) {
      case 'sparse': counts[j] = r() < 0.1 ? 1 + Math.floor(r() * 3) : 0; break;
      case 'tiny': counts[j] = Math.floor(r() * 3); break;
      case 'dense': counts[j] = Math.floor(r() * 1e6); break;
      case 'decay': counts[j] = Math.floor(1e9 * Math.exp((-8 * j) / top)) + (r() < 0.5 ? 1 : 0); break;
      case 'huge': counts[j] = Math.floor(2 ** 45 * (1 + 7 * r())); break;
    }
  }
  counts[top] = 1 + Math.floor(r() * 10);
  return counts;
}

function restore(counts: number[]): Histogram {
  const top = counts.findLastIndex((c) => c > 0);
  return Histogram.fromJSON({ format: 'int8rt.histogram', version: 1, bins: counts.length, max: top + 0.5, widthLog2: 0, counts });
}

function firstMin(v: bigint[]): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! < v[best]!) best = i;
  return best;
}

describe('amax on random histograms', () => {
  let seed = 1;
  for (const bins of [128, 200, 333, 600])
    for (const shape of SHAPES)
      it(`${bins} bins, ${shape}`, () => {
        for (let rep = 0; rep < 3; rep++) {
          const counts = randomCounts(bins, shape, seed++);
          const h = restore(counts);

          expect(h.amax('mse'), `mse seed ${seed - 1}`).toBe(128 + firstMin(refMseErrorsExact(counts)));

          const div = refEntropyDivergences(counts);
          const i = h.amax('entropy') - 128, ref = argminLast(div);
          if (i !== ref) expect(div[i]!, `entropy seed ${seed - 1}`).toBeLessThanOrEqual(div[ref]! + 1e-9 * Math.abs(div[ref]!));
        }
      });
});

describe('mse ties', () => {
  it('candidates with exactly equal errors: the first wins', () => {
    for (const [bins, top] of [[200, 199], [200, 163], [256, 219]] as const) {
      const counts = new Array<number>(bins).fill(0);
      counts[0] = 5;
      counts[top] = 1;
      const errors = refMseErrorsExact(counts);
      expect(errors[top - 128]).toBe(errors[top + 1 - 128]); // the tie the test is about
      expect(restore(counts).amax('mse')).toBe(128 + firstMin(errors));
    }
  });
});
