import { describe, expect, it } from 'vitest';
import { floatToHalf, halfToFloat } from '../../lib/index.js';
import { halfBitsToNumber, numberToHalfBits } from '../helpers/half.js';
import { randomFloats } from '../helpers/random.js';

const ALL_HALVES = Uint16Array.from({ length: 65536 }, (_, i) => i);
const isNaNBits = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

for (const scalar of [false, true]) {
  describe(`fp16 conversion (${scalar ? 'portable' : 'F16C when present'})`, () => {
    it('half -> float is exact for all 65,536 half values', () => {
      const f = halfToFloat(ALL_HALVES, { scalar });
      for (let h = 0; h < 65536; h++) {
        const want = halfBitsToNumber(h);
        if (Number.isNaN(want)) expect(Number.isNaN(f[h])).toBe(true);
        else if (!Object.is(f[h], want)) expect.fail(`half 0x${h.toString(16)} -> ${f[h]}, expected ${want}`);
      }
    });

    it('float -> half -> float round-trips every half bit pattern (NaNs stay NaN, quiet, same payload)', () => {
      const back = floatToHalf(halfToFloat(ALL_HALVES, { scalar }), { scalar });
      for (let h = 0; h < 65536; h++) {
        if (isNaNBits(h)) expect(back[h]).toBe(h | 0x200);
        else if (back[h] !== h) expect.fail(`0x${h.toString(16)} came back as 0x${back[h]!.toString(16)}`);
      }
    });

    it('float -> half rounds to nearest even at every midpoint and its neighbours', () => {
      // For each pair of adjacent finite halves: the exact midpoint, and one float ulp either side.
      const values: number[] = [];
      for (let h = 0; h < 0x7c00; h++) {
        const lo = halfBitsToNumber(h), hi = halfBitsToNumber(h + 1);
        const mid = Math.fround((lo + hi) / 2);
        const below = new Float32Array([mid]), above = new Float32Array([mid]);
        const bu = new Uint32Array(below.buffer), au = new Uint32Array(above.buffer);
        bu[0]! -= 1; au[0]! += 1;
        values.push(mid, below[0]!, above[0]!, -mid, -below[0]!);
      }
      values.push(65504, 65519.99, 65520, 65536, 1e9, -1e9, Infinity, -Infinity, 0, -0, 1e-10, -1e-10, 2 ** -25, 2 ** -25 * 1.0001);
      const input = Float32Array.from(values);
      const got = floatToHalf(input, { scalar });
      for (let i = 0; i < input.length; i++) {
        const want = numberToHalfBits(input[i]!);
        if (got[i] !== want) expect.fail(`${input[i]} -> 0x${got[i]!.toString(16)}, expected 0x${want.toString(16)}`);
      }
    });

    it('random floats of every magnitude', () => {
      const input = randomFloats(100_003, 7).map((x, i) => x * 2 ** ((i % 60) - 30));
      const got = floatToHalf(input, { scalar });
      for (let i = 0; i < input.length; i++) {
        const want = numberToHalfBits(input[i]!);
        if (got[i] !== want) expect.fail(`${input[i]} -> 0x${got[i]!.toString(16)}, expected 0x${want.toString(16)}`);
      }
    });
  });
}

it('both paths agree bit for bit, NaN payloads included', () => {
  const floats = new Float32Array(new Uint32Array([0x7fc00001, 0xffbfffff, 0x7f800001, 0x7fffffff, 0x3f800000]).buffer);
  expect(Array.from(floatToHalf(floats))).toEqual(Array.from(floatToHalf(floats, { scalar: true })));
  const a = halfToFloat(ALL_HALVES), b = halfToFloat(ALL_HALVES, { scalar: true });
  expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
});

it('rejects the wrong array types', () => {
  expect(() => halfToFloat(new Float32Array(2) as unknown as Uint16Array)).toThrow(/Uint16Array/);
  expect(() => floatToHalf([1, 2] as unknown as Float32Array)).toThrow(/Float32Array/);
});
