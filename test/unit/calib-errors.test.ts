// Bad input to the calibration API: every failure is an Int8rtError with a stable code and a
// message that says what was wrong, and a failed call leaves the histogram as it was.
import { describe, expect, it } from 'vitest';
import { Histogram, Int8rtError, Tensor, backends, channelAmax, readTensorRTCache, writeTensorRTCache } from '../../lib/index.js';
import { gaussian } from '../helpers/calib-reference.js';

function expectError(fn: () => unknown, code: string, message?: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected an error').toBeInstanceOf(Int8rtError);
  expect((thrown as Int8rtError).code).toBe(code);
  if (message) expect((thrown as Error).message).toMatch(message);
}

describe('calibration errors', () => {
  it('NaN / ±Inf: ERR_NONFINITE with the count and name, histogram unchanged', () => {
    const h = new Histogram();
    h.observe(gaussian(100, 1));
    const before = h.toJSON();
    const x = gaussian(1000, 2);
    x[3] = NaN;
    x[500] = Infinity;
    x[999] = -Infinity;
    expectError(() => h.observe(x, { name: 'conv1.output' }), 'ERR_NONFINITE', /conv1\.output has 3 non-finite values.*among 1000/);
    expect(h.toJSON()).toEqual(before);
    const bits = new Uint16Array([0x3c00, 0x7e00, 0x7c00, 0xfc00, 0x0001]); // 1, NaN, +Inf, -Inf, tiny
    expectError(() => h.observe(new Tensor('float16', bits, [5])), 'ERR_NONFINITE', /x has 3 non-finite/);
    expect(h.toJSON()).toEqual(before);
  });

  it('skipNonFinite leaves them out and reports how many', () => {
    const x = gaussian(1000, 3);
    x[10] = NaN;
    x[20] = -Infinity;
    const h = new Histogram();
    expect(h.observe(x, { skipNonFinite: true })).toBe(2);
    expect(h.count).toBe(998);
    const clean = new Histogram();
    clean.observe(x.filter((v) => Number.isFinite(v)));
    expect(h.toJSON()).toEqual(clean.toJSON());
    const allBad = new Histogram();
    expect(allBad.observe(Float32Array.of(NaN, Infinity), { skipNonFinite: true })).toBe(2);
    expect(allBad.count).toBe(0);
  });

  it('amax of an empty histogram: ERR_INVALID_ARG', () => {
    for (const m of ['max', 'entropy', 'percentile', 'mse'] as const)
      expectError(() => new Histogram().amax(m), 'ERR_INVALID_ARG', /empty histogram/);
  });

  it('bins < 128, > 2^20, non-integer or not a number: ERR_INVALID_ARG', () => {
    for (const bins of [127, 0, -5, 2 ** 20 + 1, 1e12, 2048.5, NaN, Infinity, '2048'])
      expectError(() => new Histogram({ bins: bins as number }), 'ERR_INVALID_ARG', /bins/);
    expect(new Histogram({ bins: 128 }).bins).toBe(128);
    expect(new Histogram({ bins: 2 ** 20 }).bins).toBe(2 ** 20);
  });

  it('bad percentile (<= 0, > 100, NaN) or method: ERR_INVALID_ARG', () => {
    const h = new Histogram();
    h.observe(gaussian(100, 4));
    for (const p of [0, -1, 100.0001, NaN, Infinity, '99.9'])
      expectError(() => h.amax('percentile', { percentile: p as number }), 'ERR_INVALID_ARG', /percentile/);
    expectError(() => h.amax('median' as 'max'), 'ERR_INVALID_ARG', /method/);
    expectError(() => h.amax('toString' as 'max'), 'ERR_INVALID_ARG', /method/);
    expect(h.amax('percentile', { percentile: 100 })).toBeGreaterThan(0);
  });

  it('observe: wrong dtypes and non-tensors', () => {
    const h = new Histogram();
    expectError(() => h.observe(new Tensor('int8', new Int8Array(4), [4])), 'ERR_DTYPE', /float32 or float16/);
    expectError(() => h.observe(new Float64Array(4)), 'ERR_INVALID_ARG', /Tensor/);
    expectError(() => h.observe([1, 2, 3]), 'ERR_INVALID_ARG');
    expectError(() => h.observe(null), 'ERR_INVALID_ARG');
    expect(h.count).toBe(0);
  });

  it('merge: different bin counts or a non-histogram', () => {
    const a = new Histogram({ bins: 1024 }), b = new Histogram();
    expectError(() => a.merge(b), 'ERR_INVALID_ARG', /1024/);
    expectError(() => a.merge({} as Histogram), 'ERR_INVALID_ARG', /Histogram/);
  });

  it('fromJSON: malformed or inconsistent state', () => {
    const h = new Histogram({ bins: 128 });
    h.observe(gaussian(1000, 5));
    const j = h.toJSON();
    const bad: [unknown, RegExp][] = [
      [null, /histogram JSON/],
      ['{not json', /does not parse/],
      [{ ...j, format: 'other' }, /format/],
      [{ ...j, version: 2 }, /version/],
      [{ ...j, bins: 100 }, /bins/],
      [{ ...j, counts: j.counts.slice(1) }, /counts/],
      [{ ...j, counts: j.counts.map((c, i) => (i === 0 ? -1 : c)) }, /counts\[0\]/],
      [{ ...j, counts: j.counts.map((c, i) => (i === 0 ? 0.5 : c)) }, /counts\[0\]/],
      [{ ...j, count: j.count + 1 }, /count/],
      [{ ...j, widthLog2: j.widthLog2! + 1 }, /widthLog2/],
      [{ ...j, max: j.max * 4 }, /max|widthLog2/],
      [{ ...j, counts: j.counts.map((c, i) => (i === 127 ? c + 1 : c)) }, /above max|bin/],
    ];
    for (const [json, message] of bad) expectError(() => Histogram.fromJSON(json), 'ERR_INVALID_ARG', message);
  });

  it('malformed cache text: ERR_INVALID_ARG naming the line', () => {
    const cases: [string, RegExp][] = [
      ['', /line 1/],
      ['TRT-8601\ninput: 3c010204\n', /line 1.*header/],
      ['not a cache\n', /line 1/],
      ['TRT-8601-EntropyCalibration2\ninput: 3c010204\nconv1 3c010204\n', /line 3/],
      ['TRT-8601-EntropyCalibration2\ninput: 3c0102041\n', /line 2/],
      ['TRT-8601-EntropyCalibration2\ninput: xyz\n', /line 2/],
      ['TRT-8601-EntropyCalibration2\ninput: 3c010204\n\nconv: 0\n', /line 3/],
      ['TRT-8601-EntropyCalibration2\ninput: 7fc00000\n', /line 2.*not a finite/],
      ['TRT-8601-EntropyCalibration2\ninput: bc010204\n', /line 2/],
      ['TRT-8601-EntropyCalibration2\na: 3c010204\na: 3c010204\n', /line 3.*twice/],
    ];
    for (const [text, message] of cases) expectError(() => readTensorRTCache(text), 'ERR_INVALID_ARG', message);
    expectError(() => readTensorRTCache(42 as unknown as string), 'ERR_INVALID_ARG');
  });

  it('unwritable caches: bad amax, names, version, algorithm', () => {
    const w = (amax: Map<string, number>, extra: object = {}) => () => writeTensorRTCache({ version: 8601, algorithm: 'EntropyCalibration2', amax, ...extra });
    expectError(w(new Map([['x', -1]])), 'ERR_INVALID_ARG', /amax/);
    expectError(w(new Map([['x', NaN]])), 'ERR_INVALID_ARG', /amax/);
    expectError(w(new Map([['x', 1e300]])), 'ERR_INVALID_ARG', /float32/);
    expectError(w(new Map([['a\nb', 1]])), 'ERR_INVALID_ARG', /name/);
    expectError(w(new Map([['', 1]])), 'ERR_INVALID_ARG', /name/);
    expectError(w(new Map([['x', 1]]), { version: 86.1 }), 'ERR_INVALID_ARG', /version/);
    expectError(w(new Map([['x', 1]]), { algorithm: 'Entropy Calibration' }), 'ERR_INVALID_ARG', /algorithm/);
  });

  it('channelAmax: bad axis, dtype, rank, non-finite weights', () => {
    const t = new Tensor('float32', gaussian(24, 6), [2, 3, 4]);
    for (const axis of [3, -4, 1.5, NaN]) expectError(() => channelAmax(t, axis), 'ERR_INVALID_ARG', /axis/);
    expectError(() => channelAmax(new Tensor('int8', new Int8Array(4), [4]), 0), 'ERR_DTYPE');
    expectError(() => channelAmax(new Tensor('float32', [1], []), 0), 'ERR_SHAPE');
    const nan = new Tensor('float32', Float32Array.of(1, NaN, 2, Infinity), [2, 2]);
    expectError(() => channelAmax(nan, 0), 'ERR_NONFINITE', /2 non-finite/);
  });
});

describe.skipIf(backends().cuda !== null)('calibration without a CUDA device', () => {
  it("observe(x, { device: 'cuda' }): ERR_NO_CUDA, histogram unchanged", () => {
    const h = new Histogram();
    h.observe(gaussian(100, 1));
    const before = h.toJSON();
    expectError(() => h.observe(gaussian(100, 2), { device: 'cuda' }), 'ERR_NO_CUDA');
    expectError(() => h.observe(new Tensor('float16', new Uint16Array(4), [4]), { device: 'cuda' }), 'ERR_NO_CUDA');
    expect(h.toJSON()).toEqual(before);
  });
});

describe('observe device option', () => {
  it("anything but 'cpu' / 'cuda': ERR_INVALID_ARG", () => {
    for (const device of ['gpu', 0, null]) expectError(() => new Histogram().observe(gaussian(10, 3), { device: device as 'cpu' }), 'ERR_INVALID_ARG', /device/);
    const h = new Histogram();
    h.observe(gaussian(10, 3), { device: 'cpu' });
    expect(h.count).toBe(10);
  });
});
