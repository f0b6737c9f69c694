/**
 * The GEMM correctness cases, shared by the CPU suite (each ISA) and the CUDA suite: every input type,
 * transposes, every epilogue, sizes on the edges, random non-zero data with the int8 extremes.
 * int8 results are compared exactly; float results against a float64 reference with a bound that
 * scales with sum |a||b| (the size of fp32 rounding error, far below any indexing mistake).
 */
import { expect, it } from 'vitest';
import { gemm, Tensor, type GemmOptions, type DType } from '../../lib/index.js';
import { randomFloats, randomInt8, rng } from './random.js';
import { dequantize, halfArrayToNumbers, referenceGemm, requantize } from './reference.js';
import { halfBitsToNumber, numberToHalfBits } from './half.js';

// (M, N, K) triples: every edge size appears in every position.
export const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 15], [7, 1, 16], [15, 16, 17], [16, 17, 1], [17, 31, 33], [31, 33, 7],
  [33, 64, 127], [64, 127, 129], [127, 129, 64], [129, 15, 31], [1000, 17, 33], [31, 1000, 15],
  [33, 15, 1000], [64, 64, 64], [129, 129, 129],
];

function dims(rows: number, cols: number, trans: boolean): [number, number] {
  return trans ? [cols, rows] : [rows, cols];
}

function expectFloatClose(got: ArrayLike<number>, ref: Float64Array, absSum: Float64Array, label: string, rel = 1e-5) {
  for (let i = 0; i < ref.length; i++) {
    const tol = rel * absSum[i]! + 1e-30;
    if (!(Math.abs(got[i]! - ref[i]!) <= tol))
      expect.fail(`${label}: element ${i} is ${got[i]} but the reference is ${ref[i]} (tolerance ${tol})`);
  }
}

function expectExact(got: ArrayLike<number>, ref: ArrayLike<number>, label: string) {
  for (let i = 0; i < ref.length; i++)
    if (got[i] !== ref[i]) expect.fail(`${label}: element ${i} is ${got[i]} but exactly ${ref[i]} was expected`);
}

export function defineGemmCases(device: 'cpu' | 'cuda', label: string) {
  for (const [m, n, k] of SHAPES) {
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const name = `${label} ${m}x${n}x${k}${transA ? ' transA' : ''}${transB ? ' transB' : ''}`;
      const seed = m * 1_000_003 + n * 1009 + k * 7 + (transA ? 1 : 0) + (transB ? 2 : 0);

      it(`int8 -> int32 exact: ${name}`, async () => {
        const a = randomInt8(m * k, seed), b = randomInt8(k * n, seed + 1);
        const { acc } = referenceGemm(a, b, m, n, k, { transA, transB });
        const ta = new Tensor('int8', a, dims(m, k, transA)), tb = new Tensor('int8', b, dims(k, n, transB));
        const c = await gemm(ta, tb, { transA, transB, device });
        expect(c.type).toBe('int32');
        expect(c.dims).toEqual([m, n]);
        expectExact(c.data as Int32Array, acc, name);
        const r = await gemm(ta, tb, { transA, transB, device, relu: true });
        expectExact(r.data as Int32Array, acc.map((x) => Math.max(0, x)), `${name} relu`);
      });

      it(`float32: ${name}`, async () => {
        const a = randomFloats(m * k, seed), b = randomFloats(k * n, seed + 1);
        const { acc, absSum } = referenceGemm(a, b, m, n, k, { transA, transB });
        const c = await gemm(new Tensor('float32', a, dims(m, k, transA)), new Tensor('float32', b, dims(k, n, transB)), { transA, transB, device });
        expect(c.type).toBe('float32');
        expectFloatClose(c.data as Float32Array, acc, absSum, name);
      });
    }
  }

  // Every epilogue, on awkward shapes and both layouts of B.
  for (const [m, n, k] of [[17, 33, 129], [1, 1000, 31], [129, 7, 64]] as [number, number, number][]) {
    for (const transB of [false, true]) {
      const name = `${label} ${m}x${n}x${k}${transB ? ' transB' : ''}`;
      const seed = m * 31 + n * 17 + k + (transB ? 5 : 0);
      const r = rng(seed + 99);
      const bias = Float32Array.from({ length: n }, () => (r() - 0.5) * 50);
      const scaleB = Float32Array.from({ length: n }, () => 0.001 + r() * 0.02);
      const scaleA = 0.037;

      for (const outType of ['float32', 'float16', 'int8'] as DType[]) {
        for (const relu of [false, true]) {
          it(`int8 -> ${outType} (scales, bias${relu ? ', relu' : ''}): ${name}`, async () => {
            const a = randomInt8(m * k, seed), b = randomInt8(k * n, seed + 1);
            const { acc } = referenceGemm(a, b, m, n, k, { transB });
            const outScale = 0.15;
            const options: GemmOptions = { transB, device, scaleA, scaleB, bias, relu, outType };
            if (outType === 'int8') options.outScale = outScale;
            const c = await gemm(new Tensor('int8', a, [m, k]), new Tensor('int8', b, dims(k, n, transB)), options);
            expect(c.type).toBe(outType);
            const want = Array.from(acc, (x, i) => {
              const j = i % n;
              const v = dequantize(x, Math.fround(Math.fround(scaleA) * scaleB[j]!), bias[j]!);
              return relu ? Math.max(0, v) : v;
            });
            if (outType === 'int8') {
              expectExact(c.data as Int8Array, want.map((v) => requantize(v, outScale)), name);
              // The data must exercise the clamp and both signs.
              expect((c.data as Int8Array).some((q) => Math.abs(q) === 127)).toBe(true);
            } else if (outType === 'float16') {
              expectExact(c.data as Uint16Array, want.map(numberToHalfBits), name);
            } else {
              const got = c.data as Float32Array;
              for (let i = 0; i < want.length; i++)
                if (Math.abs(got[i]! - want[i]!) > Math.abs(want[i]!) * 2 ** -23)
                  expect.fail(`${name}: element ${i} is ${got[i]} but ${want[i]} was expected`);
            }
          });
        }
      }

      it(`int8 with a scalar scaleB: ${name}`, async () => {
        const a = randomInt8(m * k, seed), b = randomInt8(k * n, seed + 1);
        const { acc } = referenceGemm(a, b, m, n, k, { transB });
        const c = await gemm(new Tensor('int8', a, [m, k]), new Tensor('int8', b, dims(k, n, transB)),
          { transB, device, scaleA: 0.5, scaleB: 0.25, outType: 'float32' });
        expectExact(c.data as Float32Array, acc.map((x) => Math.fround(Math.fround(x) * 0.125)), name);
      });

      it(`float32 with bias and relu, out float32 / float16 / int8: ${name}`, async () => {
        const a = randomFloats(m * k, seed), b = randomFloats(k * n, seed + 1);
        const { acc, absSum } = referenceGemm(a, b, m, n, k, { transB });
        const want = Float64Array.from(acc, (x, i) => Math.max(0, x + bias[i % n]!));
        const ta = new Tensor('float32', a, [m, k]), tb = new Tensor('float32', b, dims(k, n, transB));
        const f = await gemm(ta, tb, { transB, device, bias, relu: true });
        expectFloatClose(f.data as Float32Array, want, absSum, name);
        const h = await gemm(ta, tb, { transB, device, bias, relu: true, outType: 'float16' });
        const hv = Array.from(h.data as Uint16Array, halfBitsToNumber);
        for (let i = 0; i < want.length; i++)
          expect(Math.abs(hv[i]! - want[i]!)).toBeLessThanOrEqual(Math.abs(want[i]!) * 2 ** -10 + 1e-5 * absSum[i]! + 1e-7);
        const q = await gemm(ta, tb, { transB, device, bias, relu: true, outType: 'int8', outScale: 0.5 });
        const qv = q.data as Int8Array;
        for (let i = 0; i < want.length; i++) expect(Math.abs(qv[i]! - requantize(want[i]!, 0.5))).toBeLessThanOrEqual(1);
      });

      it(`float16 inputs -> float32 and float16: ${name}`, async () => {
        const r2 = rng(seed + 3);
        const a = Uint16Array.from({ length: m * k }, () => numberToHalfBits((r2() - 0.5) * 4));
        const b = Uint16Array.from({ length: k * n }, () => numberToHalfBits((r2() - 0.5) * 4));
        const { acc, absSum } = referenceGemm(halfArrayToNumbers(a), halfArrayToNumbers(b), m, n, k, { transB });
        const ta = new Tensor('float16', a, [m, k]), tb = new Tensor('float16', b, dims(k, n, transB));
        const f = await gemm(ta, tb, { transB, device, outType: 'float32' });
        expectFloatClose(f.data as Float32Array, acc, absSum, name);
        const h = await gemm(ta, tb, { transB, device });
        expect(h.type).toBe('float16');
        const hv = Array.from(h.data as Uint16Array, halfBitsToNumber);
        for (let i = 0; i < acc.length; i++)
          expect(Math.abs(hv[i]! - acc[i]!)).toBeLessThanOrEqual(Math.abs(acc[i]!) * 2 ** -10 + 1e-5 * absSum[i]! + 1e-7);
      });
    }
  }
}
