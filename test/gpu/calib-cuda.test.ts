/**
 * The CUDA histogram kernel (native/cuda/histogram.cu) against the CPU histogram: the same bins, bit for
 * bit, for float32 and float16. Skipped where no CUDA device exists.
 */
import { describe, expect, it } from 'vitest';
import { backends, floatToHalf, Histogram, Int8rtError, Tensor } from '../../lib/index.js';
import { gaussian, gaussianWithOutliers, laplace, relu, uniform } from '../helpers/calib-reference.js';
import { rng } from '../helpers/random.js';

const cuda = backends().cuda !== null;

/** Magnitudes spread over many binades (and float16 subnormals once converted). */
function logUniform(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() < 0.5 ? -1 : 1) * 2 ** (-30 + 40 * r()));
}

const DISTRIBUTIONS: [string, Float32Array][] = [
  ['gaussian', gaussian(200_000, 1)],
  ['relu(gaussian)', relu(gaussian(200_000, 2, 3))],
  ['uniform', uniform(100_000, 3, 1e-3)],
  ['laplace', laplace(100_000, 4, 7)],
  ['gaussian + far outliers', gaussianWithOutliers(100_000, 5)],
  ['log-uniform', logUniform(100_000, 6)],
  ['zeros', new Float32Array(5_000)],
];

function both(bins = 2048): [Histogram, Histogram] {
  return [new Histogram({ bins }), new Histogram({ bins })];
}

function expectSame(gpu: Histogram, cpu: Histogram, what: string): void {
  expect(gpu.toJSON(), what).toEqual(cpu.toJSON());
}

function expectError(fn: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(Int8rtError);
  expect((thrown as Int8rtError).code).toBe(code);
}

describe.skipIf(!cuda)('CUDA histogram', () => {
  for (const [name, x] of DISTRIBUTIONS) {
    it(`${name}: float32 and float16 bins equal the CPU's`, () => {
      const [g, c] = both();
      g.observe(x, { device: 'cuda' });
      c.observe(x);
      expectSame(g, c, `${name} float32`);
      const half = new Tensor('float16', floatToHalf(x), [x.length]);
      const [g16, c16] = both();
      g16.observe(half, { device: 'cuda' });
      c16.observe(half);
      expectSame(g16, c16, `${name} float16`);
    });
  }

  it('awkward sizes and alignments: n = 1, 7, 1000003 and unaligned subarrays', () => {
    const x = gaussian(1_000_003 + 16, 7);
    for (const n of [1, 2, 7, 9, 17, 1_000_003])
      for (const offset of [0, 1, 2, 3]) {
        const part = x.subarray(offset, offset + n);
        const [g, c] = both();
        g.observe(part, { device: 'cuda' });
        c.observe(part);
        expectSame(g, c, `float32 n=${n} offset=${offset}`);
        const bits = floatToHalf(x.subarray(0, n + 8));
        const partHalf = new Tensor('float16', bits.subarray(offset, offset + n), [n]);
        const [g16, c16] = both();
        g16.observe(partHalf, { device: 'cuda' });
        c16.observe(partHalf);
        expectSame(g16, c16, `float16 n=${n} offset=${offset}`);
      }
  });

  it('an empty tensor changes nothing', () => {
    const h = new Histogram();
    expect(h.observe(new Float32Array(0), { device: 'cuda' })).toBe(0);
    expect(h.count).toBe(0);
  });

  it('batches that grow the range, mixed with CPU batches, equal one CPU pass', () => {
    const parts = [gaussian(50_000, 8, 0.01), gaussian(50_000, 9, 1), relu(gaussian(50_000, 10, 100)), gaussian(3, 11, 0.1)];
    const g = new Histogram(), c = new Histogram();
    parts.forEach((p, i) => g.observe(p, i % 2 ? {} : { device: 'cuda' }));
    c.observe(Float32Array.from(parts.flatMap((p) => Array.from(p))));
    expectSame(g, c, 'batched');
    for (const m of ['entropy', 'percentile', 'mse'] as const) expect(g.amax(m)).toBe(c.amax(m));
  });

  it('other bin counts, including more than fit in shared memory', () => {
    const x = laplace(300_000, 12);
    for (const bins of [128, 1000, 12288, 12289, 2 ** 20]) {
      const [g, c] = both(bins);
      g.observe(x, { device: 'cuda' });
      c.observe(x);
      expectSame(g, c, `bins=${bins}`);
    }
  });

  it('NaN / ±Inf: ERR_NONFINITE with the histogram unchanged, or skipped like the CPU', () => {
    const x = gaussian(100_001, 13);
    x[0] = NaN;
    x[77_777] = Infinity;
    x[100_000] = -Infinity;
    const h = new Histogram();
    h.observe(gaussian(100, 14), { device: 'cuda' });
    const before = h.toJSON();
    expectError(() => h.observe(x, { device: 'cuda' }), 'ERR_NONFINITE');
    expect(h.toJSON()).toEqual(before);

    const [g, c] = both();
    expect(g.observe(x, { device: 'cuda', skipNonFinite: true })).toBe(3);
    expect(c.observe(x, { skipNonFinite: true })).toBe(3);
    expectSame(g, c, 'skipped float32');
    const half = new Tensor('float16', Uint16Array.of(0x3c00, 0x7e00, 0x7c00, 0xfc00, 0x0001, 0x7bff), [6]);
    const [g16, c16] = both();
    expect(g16.observe(half, { device: 'cuda', skipNonFinite: true })).toBe(3);
    expect(c16.observe(half, { skipNonFinite: true })).toBe(3);
    expectSame(g16, c16, 'skipped float16');
    const allBad = new Histogram();
    expect(allBad.observe(Float32Array.of(NaN, -Infinity), { device: 'cuda', skipNonFinite: true })).toBe(2);
    expect(allBad.count).toBe(0);
  });
});
