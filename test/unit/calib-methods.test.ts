// Every amax method against the float64 references of test/helpers/calib-reference.ts, on several
// distributions; channelAmax against a plain loop.
import { describe, expect, it } from 'vitest';
import { Histogram, Tensor, channelAmax, floatToHalf, halfToFloat } from '../../lib/index.js';
import {
  argminFirst, argminLast, gaussian, gaussianWithOutliers, laplace, refEntropyDivergences, refHistogram, refMseErrors,
  refPercentile, relu, uniform,
} from '../helpers/calib-reference.js';
import { rng } from '../helpers/random.js';

const N = 60_000;
const PERCENTILES = [99.9, 99.99, 99.999, 99.9999, 50, 100];

function singleSpike(n: number, seed: number): Float32Array {
  const x = new Float32Array(n); // zeros (a dead ReLU) and one value
  x[Math.floor(rng(seed)() * n)] = -3.25;
  return x;
}

const DISTRIBUTIONS: [string, Float32Array][] = [
  ['uniform', uniform(N, 1, 2.5)],
  ['gaussian', gaussian(N, 2)],
  ['laplace', laplace(N, 3, 0.5)],
  ['gaussian + 0.01% far outliers', gaussianWithOutliers(N, 4)],
  ['all equal', new Float32Array(N).fill(-0.37)],
  ['single spike', singleSpike(N, 5)],
  ['relu(gaussian)', relu(gaussian(N, 6, 3))],
];

function observeInBatches(x: Float32Array, batch: number, bins = 2048): Histogram {
  const h = new Histogram({ bins });
  for (let i = 0; i < x.length; i += batch) h.observe(x.subarray(i, i + batch));
  return h;
}

/** The candidate index of amax (amax = i·width) is the reference's argmin or ties with it. */
function expectNearArgmin(
  amax: number, width: number, values: number[], what: string, relTol: number, argmin: (v: number[]) => number,
) {
  const i = amax / width;
  expect(Number.isInteger(i), `${what}: amax ${amax} is not a bin edge`).toBe(true);
  expect(i).toBeGreaterThanOrEqual(128);
  const ref = argmin(values);
  const got = values[i - 128]!, min = values[ref]!;
  if (i - 128 !== ref) {
    // only a tie within float64 rounding may pick another candidate
    expect(got, `${what}: picked i=${i} (${got}) but the reference minimum is i=${ref + 128} (${min})`).toBeLessThanOrEqual(
      min + relTol * Math.max(Math.abs(min), 1e-300),
    );
  }
}

for (const [name, x] of DISTRIBUTIONS) {
  describe(`amax methods on ${name}`, () => {
    const h = observeInBatches(x, 7_777);
    const ref = refHistogram(x, 2048);

    it('bins match the reference binning', () => {
      expect(h.toJSON().counts).toEqual(ref.counts);
      expect(h.count).toBe(N);
    });

    it('max is the largest |x|', () => {
      expect(h.amax('max')).toBe(ref.max);
    });

    it('entropy matches the KL reference (last minimum)', () => {
      const div = refEntropyDivergences(ref.counts);
      const amax = h.amax('entropy');
      expectNearArgmin(amax, ref.width, div, 'entropy', 1e-9, argminLast);
      expect(amax).toBeGreaterThan(0);
      expect(amax).toBeLessThanOrEqual(ref.max + ref.width); // never above the bin holding max
    });

    it('percentile matches the sorted-data reference', () => {
      for (const p of PERCENTILES)
        expect(h.amax('percentile', { percentile: p }), `p=${p}`).toBe(refPercentile(x, p, ref.width));
    });

    it('mse matches the brute-force reference (first minimum)', () => {
      expectNearArgmin(h.amax('mse'), ref.width, refMseErrors(ref.counts, ref.width), 'mse', 1e-9, argminFirst);
    });
  });
}

describe('amax methods, sanity on known shapes', () => {
  const g = observeInBatches(gaussian(200_000, 11), 50_000);
  const x = relu(gaussian(200_000, 12));

  it('gaussian: clipping methods land between 2σ and max', () => {
    for (const m of ['entropy', 'mse'] as const) {
      expect(g.amax(m)).toBeGreaterThan(2);
      expect(g.amax(m)).toBeLessThan(g.amax('max') * 1.01);
    }
    // 99.99 % of |N(0,1)| lies below 3.89σ
    expect(g.amax('percentile', { percentile: 99.99 })).toBeGreaterThan(3.7);
    expect(g.amax('percentile', { percentile: 99.99 })).toBeLessThan(4.1);
  });

  it('far outliers move max but not the 99.9 percentile', () => {
    const clean = observeInBatches(gaussian(N, 4), N);
    const dirty = observeInBatches(gaussianWithOutliers(N, 4), N);
    expect(dirty.amax('max')).toBeGreaterThan(40);
    expect(dirty.amax('percentile', { percentile: 99.9 })).toBeLessThan(clean.amax('max') * 1.1);
  });

  it('the zero spike of a ReLU does not dominate entropy (bins[0] = bins[1])', () => {
    const h = observeInBatches(x, 100_000);
    expect(h.amax('entropy')).toBeGreaterThan(1.5);
  });

  it('a histogram of zeros gives amax 0 for every method', () => {
    const h = new Histogram();
    h.observe(new Float32Array(100));
    for (const m of ['max', 'entropy', 'percentile', 'mse'] as const) expect(h.amax(m)).toBe(0);
  });

  it('works with other bin counts (128, 1000)', () => {
    for (const bins of [128, 1000]) {
      const data = laplace(20_000, 21);
      const h = observeInBatches(data, 3_000, bins);
      const ref = refHistogram(data, bins);
      expect(h.toJSON().counts).toEqual(ref.counts);
      expectNearArgmin(h.amax('entropy'), ref.width, refEntropyDivergences(ref.counts), `entropy ${bins}`, 1e-9, argminLast);
      expectNearArgmin(h.amax('mse'), ref.width, refMseErrors(ref.counts, ref.width), `mse ${bins}`, 1e-9, argminFirst);
      expect(h.amax('percentile', { percentile: 99.9 })).toBe(refPercentile(data, 99.9, ref.width));
    }
  });
});

describe('channelAmax', () => {
  function refChannelAmax(data: ArrayLike<number>, dims: number[], axis: number): number[] {
    const out = new Array<number>(dims[axis]!).fill(0);
    const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
    for (let flat = 0; flat < data.length; flat++) {
      const c = Math.floor(flat / strides[axis]!) % dims[axis]!;
      out[c] = Math.max(out[c]!, Math.abs(data[flat]!));
    }
    return out.map(Math.fround);
  }

  const dims = [5, 3, 4, 7];
  const size = dims.reduce((a, b) => a * b, 1);
  const w = gaussian(size, 31, 0.2);

  it('float32: max |w| per index of every axis (negative axes too)', () => {
    const t = new Tensor('float32', w, dims);
    for (let axis = -4; axis < 4; axis++) {
      const a = axis < 0 ? axis + 4 : axis;
      expect(Array.from(channelAmax(t, axis)), `axis ${axis}`).toEqual(refChannelAmax(w, dims, a));
    }
  });

  it('float16 weights and ORT-shaped tensors', () => {
    const bits = floatToHalf(w);
    const t = { type: 'float16', data: bits, dims };
    expect(Array.from(channelAmax(t, 0))).toEqual(refChannelAmax(halfToFloat(bits), dims, 0));
  });

  it('returns a Float32Array with one value per channel', () => {
    const out = channelAmax(new Tensor('float32', w, dims), 1);
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(3);
  });
});
