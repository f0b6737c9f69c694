// Histogram collection: binning, range growth, independence of batch order / size / merge grouping,
// float16 input, both kernel paths, JSON round trip.
//
// Range rule under test (native/calib/histogram.h): the bin width is the smallest power of two w with
// max|x| < bins·w; growing it merges bin pairs exactly. So the bins are a function of the observed
// values alone and every method's amax is independent of batch order and size: the documented
// tolerance for entropy (and every other method) is zero, which these tests assert.
import { afterAll, describe, expect, it } from 'vitest';
import { Histogram, Tensor, availableCpuIsas, floatToHalf, halfToFloat, setCpuIsa } from '../../lib/index.js';
import { gaussian, gaussianWithOutliers, laplace, refHistogram, relu, shuffled, uniform } from '../helpers/calib-reference.js';

const METHODS = ['max', 'entropy', 'percentile', 'mse'] as const;

function amaxAll(h: Histogram): number[] {
  return METHODS.map((m) => h.amax(m));
}

function observeAll(x: Float32Array, batch: number, bins?: number): Histogram {
  const h = new Histogram(bins ? { bins } : {});
  for (let i = 0; i < x.length; i += batch) h.observe(x.subarray(i, i + batch));
  return h;
}

describe('Histogram collection', () => {
  it('defaults to 2048 bins and counts what it saw', () => {
    const h = new Histogram();
    expect(h.bins).toBe(2048);
    expect(h.count).toBe(0);
    h.observe(uniform(1000, 1));
    expect(h.count).toBe(1000);
    expect(new Histogram({ bins: 300 }).bins).toBe(300);
  });

  it('bins |x| at power-of-two widths exactly like the reference', () => {
    for (const [bins, x] of [
      [2048, gaussian(50_000, 2)],
      [128, laplace(10_000, 3)],
      [1000, uniform(20_000, 4, 1e-3)],
      [2048, uniform(5_000, 5, 3e37)],
      [2048, uniform(5_000, 6, 1e-36)],
    ] as const) {
      const h = observeAll(x, x.length, bins);
      const ref = refHistogram(x, bins);
      const j = h.toJSON();
      expect(j.counts).toEqual(ref.counts);
      expect(2 ** j.widthLog2!).toBe(ref.width);
      expect(j.max).toBe(ref.max);
      expect(ref.max).toBeLessThan(bins * ref.width);
      // at least half the bins in use, unless the width sits at its floor 2^-126
      if (ref.width > 2 ** -126) expect(ref.max).toBeGreaterThanOrEqual((bins * ref.width) / 2);
    }
  });

  it('grows the range when a batch exceeds it, merging bin pairs exactly', () => {
    const parts = [uniform(3000, 7, 0.01), gaussian(3000, 8), uniform(3000, 9, 1000), uniform(10, 10, 0.5)];
    const h = new Histogram();
    const seen: number[] = [];
    let lastWidth = -Infinity;
    for (const p of parts) {
      h.observe(p);
      seen.push(...p);
      const ref = refHistogram(seen, 2048);
      expect(h.toJSON().counts).toEqual(ref.counts);
      expect(2 ** h.toJSON().widthLog2!).toBe(ref.width);
      expect(ref.width).toBeGreaterThanOrEqual(lastWidth);
      lastWidth = ref.width;
    }
  });

  it('zeros before the first non-zero value stay in bin 0', () => {
    const h = new Histogram();
    h.observe(new Float32Array(500));
    expect(h.toJSON().widthLog2).toBeNull();
    h.observe(Float32Array.of(0, 3, -2.5));
    const ref = refHistogram([...new Float32Array(500), 0, 3, -2.5], 2048);
    expect(h.toJSON().counts).toEqual(ref.counts);
  });

  it('batch order and batch size change nothing, for every method', () => {
    for (const x of [gaussian(40_000, 11), relu(laplace(40_000, 12)), gaussianWithOutliers(40_000, 13)]) {
      const whole = observeAll(x, x.length);
      const expected = { json: whole.toJSON(), amax: amaxAll(whole) };
      for (const [seed, batch] of [[1, 1], [2, 333], [3, 4096], [4, 39_999]] as const) {
        const h = observeAll(shuffled(x, seed), batch);
        expect(h.toJSON()).toEqual(expected.json);
        expect(amaxAll(h)).toEqual(expected.amax);
      }
      // ascending magnitude: the range grows many times
      const sorted = Float32Array.from(x).sort((a, b) => Math.abs(a) - Math.abs(b));
      const grown = observeAll(sorted, 1000);
      expect(grown.toJSON()).toEqual(expected.json);
      expect(amaxAll(grown)).toEqual(expected.amax);
    }
  });

  it('merge(h1, h2) equals observing everything in one histogram', () => {
    const a = uniform(20_000, 21, 0.05), b = gaussian(30_000, 22, 4), c = new Float32Array(100);
    const all = new Float32Array([...a, ...b, ...c]);
    const expected = observeAll(all, all.length);
    for (const order of [[a, b, c], [b, c, a], [c, a, b]]) {
      const parts = order.map((p) => observeAll(p, 7000));
      const m = parts[0]!;
      m.merge(parts[1]!);
      m.merge(parts[2]!);
      expect(m.toJSON()).toEqual(expected.toJSON());
      expect(amaxAll(m)).toEqual(amaxAll(expected));
    }
    const empty = new Histogram();
    empty.merge(expected);
    expect(empty.toJSON()).toEqual(expected.toJSON());
  });

  it('merging a histogram into itself doubles every count', () => {
    const h = observeAll(gaussian(1000, 23), 1000);
    const before = h.toJSON();
    h.merge(h);
    expect(h.toJSON().counts).toEqual(before.counts.map((c) => 2 * c));
  });

  it('float16 tensors are read in place and bin like their float32 values', () => {
    const bits = floatToHalf(gaussian(10_001, 24, 2));
    const h16 = new Histogram();
    h16.observe(new Tensor('float16', bits, [10_001]));
    const h32 = new Histogram();
    h32.observe(halfToFloat(bits));
    expect(h16.toJSON()).toEqual(h32.toJSON());
    const ort = new Histogram();
    ort.observe({ type: 'float16', data: bits, dims: [1, 10_001] });
    expect(ort.toJSON()).toEqual(h32.toJSON());
  });

  it('observes a subarray view without copying past its bounds', () => {
    const big = gaussian(1000, 25);
    const h = new Histogram();
    h.observe(big.subarray(100, 200));
    expect(h.toJSON().counts).toEqual(refHistogram(big.subarray(100, 200), 2048).counts);
  });

  it('JSON round-trips exactly (object and text)', () => {
    const h = observeAll(relu(gaussian(20_000, 26)), 5000);
    const j = h.toJSON();
    for (const copy of [Histogram.fromJSON(j), Histogram.fromJSON(JSON.stringify(h))]) {
      expect(copy.toJSON()).toEqual(j);
      expect(copy.count).toBe(h.count);
      expect(amaxAll(copy)).toEqual(amaxAll(h));
    }
    const zeros = new Histogram({ bins: 128 });
    zeros.observe(new Float32Array(7));
    expect(Histogram.fromJSON(zeros.toJSON()).toJSON()).toEqual(zeros.toJSON());
    expect(Histogram.fromJSON(new Histogram().toJSON()).count).toBe(0);
  });
});

describe('Histogram kernels: AVX2 and portable give identical bins', () => {
  const isas = availableCpuIsas().filter((i) => i === 'avx2' || i === 'scalar');
  afterAll(() => setCpuIsa(availableCpuIsas()[0]!));

  it.skipIf(isas.length < 2)('float32 and float16, every tail length, non-finite values skipped', () => {
    const results = isas.map((isa) => {
      expect(setCpuIsa(isa)).toBe(true);
      const out: unknown[] = [];
      for (let n = 1; n <= 40; n++) {
        const x = laplace(n * 37, n, 2);
        if (n % 3 === 0) x[n] = NaN;
        if (n % 5 === 0) x[x.length - 1] = -Infinity;
        const h = new Histogram();
        const skipped = h.observe(x, { skipNonFinite: true });
        h.observe(new Tensor('float16', floatToHalf(x), [x.length]), { skipNonFinite: true });
        out.push(skipped, h.toJSON());
      }
      return out;
    });
    expect(results[1]).toEqual(results[0]);
  });
});
