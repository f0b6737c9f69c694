/** A plain triple-loop GEMM in float64 (exact for int8 inputs), the yardstick for every kernel. */
import { halfBitsToNumber } from './half.js';

export interface RefOptions {
  transA?: boolean;
  transB?: boolean;
}

export function referenceGemm(
  a: ArrayLike<number>, b: ArrayLike<number>, m: number, n: number, k: number, o: RefOptions = {},
): { acc: Float64Array; absSum: Float64Array } {
  const acc = new Float64Array(m * n);
  const absSum = new Float64Array(m * n); // sum |a||b|, the scale of rounding error for float inputs
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, t = 0;
      for (let p = 0; p < k; p++) {
        const x = a[o.transA ? p * m + i : i * k + p]!;
        const y = b[o.transB ? j * k + p : p * n + j]!;
        s += x * y;
        t += Math.abs(x * y);
      }
      acc[i * n + j] = s;
      absSum[i * n + j] = t;
    }
  }
  return { acc, absSum };
}

export function halfArrayToNumbers(bits: Uint16Array): Float64Array {
  return Float64Array.from(bits, halfBitsToNumber);
}

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The epilogue of core/gemm_desc.h for int8 inputs, in float64 then rounded like float32. */
export function dequantize(acc: number, colScale: number, bias: number): number {
  return Math.fround(Math.fround(acc) * colScale + bias);
}

export function requantize(v: number, outScale: number): number {
  const q = roundHalfEven(Math.fround(v / outScale));
  return Math.max(-127, Math.min(127, q));
}
