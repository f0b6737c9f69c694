import { describe, expect, it } from 'vitest';
import { gemm, gemmSync, Int8rtError, Tensor, type GemmOptions } from '../../lib/index.js';
import { values } from '../helpers/values.js';

const f32 = (r: number, c: number) => new Tensor('float32', new Float32Array(r * c).fill(1), [r, c]);
const i8 = (r: number, c: number) => new Tensor('int8', new Int8Array(r * c).fill(1), [r, c]);

async function rejects(a: unknown, b: unknown, options: GemmOptions | undefined, code: string, message: RegExp) {
  const err = await gemm(a, b, options).catch((e) => e);
  expect(err).toBeInstanceOf(Int8rtError);
  expect(err.code).toBe(code);
  expect(err.message).toMatch(message);
  // The sync variant validates the same way.
  expect(() => gemmSync(a, b, options)).toThrow(Int8rtError);
}

describe('gemm rejects bad input before any native work, and the process lives on', () => {
  it('mismatched inner dimensions', () => rejects(f32(2, 3), f32(4, 5), undefined, 'ERR_SHAPE', /\[2, 3\].*\[4, 5\]/));
  it('mismatched inner dimensions after transposes', () => rejects(f32(2, 3), f32(2, 5), { transA: false, transB: true }, 'ERR_SHAPE', /inner dimensions/));
  it('different input types', () => rejects(f32(2, 2), i8(2, 2), undefined, 'ERR_DTYPE', /type of a \(float32\).*int8/));
  it('unsupported input type', () => rejects(new Tensor('int32', [1], [1, 1]), new Tensor('int32', [1], [1, 1]), undefined, 'ERR_DTYPE', /float32, float16 or int8/));
  it('int32 output from float inputs', () => rejects(f32(2, 2), f32(2, 2), { outType: 'int32' }, 'ERR_DTYPE', /outType/));
  it('not a tensor', () => rejects([1, 2], f32(2, 2), undefined, 'ERR_INVALID_ARG', /for a but received an array/));
  it('rank 3', () => rejects(new Tensor('float32', new Float32Array(8), [2, 2, 2]), f32(2, 2), undefined, 'ERR_SHAPE', /rank-2/));
  it('zero dimension', () => rejects(new Tensor('float32', [], [0, 2]), f32(2, 2), undefined, 'ERR_SHAPE', /positive dimensions/));
  it('negative dimension', () => rejects({ type: 'float32', data: new Float32Array(4), dims: [-2, -2] }, f32(2, 2), undefined, 'ERR_SHAPE', /non-negative/));
  it('non-integer dimension', () => rejects({ type: 'float32', data: new Float32Array(4), dims: [2.5, 2] }, f32(2, 2), undefined, 'ERR_SHAPE', /non-negative integer/));
  it('typed array shorter than its dims', () => rejects({ type: 'float32', data: new Float32Array(3), dims: [2, 2] }, f32(2, 2), undefined, 'ERR_SHAPE', /a: .*3 elements/));
  it('typed array of the wrong kind', () => rejects({ type: 'float32', data: new Int8Array(4), dims: [2, 2] }, f32(2, 2), undefined, 'ERR_DTYPE', /Float32Array/));
  it('output past 2^31 elements', () => rejects(f32(50_000, 1), f32(1, 50_000), undefined, 'ERR_SHAPE', /2\^31/));
  it('wrong bias length', () => rejects(f32(2, 3), f32(3, 4), { bias: new Float32Array(3) }, 'ERR_SHAPE', /4 values .* bias/));
  it('wrong bias type', () => rejects(f32(2, 3), f32(3, 4), { bias: new Tensor('int32', [1, 2, 3, 4], [4]) }, 'ERR_DTYPE', /bias/));
  it('bias with exact int32 output', () => rejects(i8(2, 3), i8(3, 4), { bias: new Float32Array(4) }, 'ERR_INVALID_ARG', /int32/));
  it('wrong scaleB length', () => rejects(i8(2, 3), i8(3, 4), { scaleB: new Float32Array(3).fill(1), outType: 'float32' }, 'ERR_SHAPE', /scaleB/));
  it('non-positive scale', () => rejects(i8(2, 3), i8(3, 4), { scaleA: 0, outType: 'float32' }, 'ERR_INVALID_ARG', /scaleA but received 0/));
  it('NaN scale in scaleB', () => rejects(i8(2, 3), i8(3, 4), { scaleB: Float32Array.from([1, NaN, 1, 1]), outType: 'float32' }, 'ERR_INVALID_ARG', /scaleB\[1\]/));
  it('scales on float inputs', () => rejects(f32(2, 3), f32(3, 4), { scaleA: 2 }, 'ERR_INVALID_ARG', /int8 inputs only/));
  it('int8 output without outScale', () => rejects(i8(2, 3), i8(3, 4), { outType: 'int8' }, 'ERR_INVALID_ARG', /outScale/));
  it('bad device', () => rejects(f32(2, 2), f32(2, 2), { device: 'tpu' as never }, 'ERR_INVALID_ARG', /'cpu' or 'cuda'/));
  it('non-boolean flag', () => rejects(f32(2, 2), f32(2, 2), { relu: 1 as never }, 'ERR_INVALID_ARG', /boolean for relu/));

  it('still computes correctly after all of that', async () => {
    const c = await gemm(f32(2, 3), f32(3, 4));
    expect(values(c)).toEqual(new Array(8).fill(3));
  });
});
