import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { gemm, Int8rtError, Tensor } from '../../lib/index.js';
import { values } from '../helpers/values.js';

const require = createRequire(import.meta.url);

describe('Tensor', () => {
  it('holds every dtype with its typed array', () => {
    expect(new Tensor('float32', new Float32Array(6), [2, 3]).size).toBe(6);
    expect(new Tensor('float16', new Uint16Array(2), [2]).data).toBeInstanceOf(Uint16Array);
    expect(new Tensor('int8', [1, -2, 3], [3]).data).toBeInstanceOf(Int8Array);
    expect(new Tensor('uint8', [255], [1]).data[0]).toBe(255);
    expect(new Tensor('int32', [7], [1, 1]).dims).toEqual([1, 1]);
    expect(new Tensor('int64', [1, 2], [2]).data).toBeInstanceOf(BigInt64Array);
    expect(new Tensor('bool', [1, 0], [2]).data).toBeInstanceOf(Uint8Array);
    expect(new Tensor('float32', [], [0, 3]).size).toBe(0);
    expect(new Tensor('float32', [5], []).size).toBe(1);
  });

  it('rejects bad types, dims and data with stable codes', () => {
    const code = (f: () => unknown) => { try { f(); } catch (e) { expect(e).toBeInstanceOf(Int8rtError); return (e as Int8rtError).code; } return 'no error'; };
    expect(code(() => new Tensor('float64' as never, [1], [1]))).toBe('ERR_DTYPE');
    expect(code(() => new Tensor('float32', new Int8Array(1) as never, [1]))).toBe('ERR_DTYPE');
    expect(code(() => new Tensor('float32', [1, 2, 3], [2, 2]))).toBe('ERR_SHAPE');
    expect(code(() => new Tensor('float32', [1], [-1]))).toBe('ERR_SHAPE');
    expect(code(() => new Tensor('float32', [1], [1.5]))).toBe('ERR_SHAPE');
    expect(code(() => new Tensor('float32', [1], 'x' as never))).toBe('ERR_SHAPE');
    expect(() => new Tensor('float32', [1, 2, 3], [2, 2])).toThrow(/3 elements but dims \[2, 2\] need 4/);
  });

  it('accepts onnxruntime-node tensors as inputs', async () => {
    const ort = require('onnxruntime-node');
    const a = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [2, 2]);
    const c = await gemm(a, a);
    expect(values(c)).toEqual([7, 10, 15, 22]);
    const q = new ort.Tensor('int8', Int8Array.from([1, -2, 3, 127]), [2, 2]);
    expect(values(await gemm(q, q))).toEqual([-5, -256, 384, 16123]);
  });
});
