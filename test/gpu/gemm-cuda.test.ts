/** The CUDA GEMM kernels against the same reference as the CPU ones; skipped where no CUDA device exists. */
import { describe, expect, it } from 'vitest';
import { backends, gemm, Int8rtError, Tensor } from '../../lib/index.js';
import { defineGemmCases } from '../helpers/gemm-cases.js';
import { randomInt8, rng } from '../helpers/random.js';
import { values } from '../helpers/values.js';

const cuda = backends().cuda !== null;

describe.skipIf(!cuda)('CUDA gemm (Tensor Cores)', () => {
  defineGemmCases('cuda', 'cuda');

  it('large int8 GEMMs agree with the CPU bit for bit, through every epilogue', async () => {
    for (const [m, n, k] of [[1024, 1024, 1024], [8, 4096, 4096], [1000, 777, 1290]] as const) {
      const a = new Tensor('int8', randomInt8(m * k, m), [m, k]);
      const b = new Tensor('int8', randomInt8(k * n, n), [k, n]);
      const r = rng(k);
      const scaleB = Float32Array.from({ length: n }, () => 1e-4 + r() * 1e-3);
      const bias = Float32Array.from({ length: n }, () => r() - 0.5);
      for (const options of [{}, { outType: 'int8' as const, outScale: 0.05, scaleA: 0.02, scaleB, bias, relu: true }]) {
        const [g, c] = await Promise.all([gemm(a, b, { ...options, device: 'cuda' }), gemm(a, b, { ...options, device: 'cpu' })]);
        expect(Buffer.from(g.data.buffer).equals(Buffer.from(c.data.buffer))).toBe(true);
      }
    }
  });

  it('stays usable after a rejected call', async () => {
    const err = await gemm(new Tensor('int8', [1, 2], [1, 2]), new Tensor('int8', [1, 2, 3], [3, 1]), { device: 'cuda' }).catch((e) => e);
    expect(err).toBeInstanceOf(Int8rtError);
    const c = await gemm(new Tensor('int8', [1, 2], [1, 2]), new Tensor('int8', [3, 4], [2, 1]), { device: 'cuda' });
    expect(values(c)).toEqual([11]);
  });
});
