import { describe, expect, it } from 'vitest';
import { gemm, gemmSync, Tensor } from '../../lib/index.js';
import { randomFloats, randomInt8 } from '../helpers/random.js';
import { referenceGemm } from '../helpers/reference.js';
import { values } from '../helpers/values.js';

describe('gemm is asynchronous', () => {
  it('the event loop keeps running while a large GEMM works', async () => {
    const n = 768;
    const a = new Tensor('float32', randomFloats(n * n, 1), [n, n]);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    const pending = gemm(a, a);
    let settled = false;
    void pending.then(() => { settled = true; });
    // The call returned a promise at once: nothing has been computed on this thread.
    expect(settled).toBe(false);
    await pending;
    for (let i = 0; i < 4; i++) await gemm(a, a);
    clearInterval(timer);
    const elapsed = performance.now() - started;
    // A blocked loop would tick at most once per GEMM; a free one ticks through them.
    if (elapsed > 20) expect(ticks).toBeGreaterThan(5);
  });

  it('many concurrent calls on shared inputs all return the right answers', async () => {
    const m = 37, n = 53, k = 71;
    const a = randomInt8(m * k, 3), b = randomInt8(k * n, 4);
    const ta = new Tensor('int8', a, [m, k]), tb = new Tensor('int8', b, [k, n]);
    const want = Array.from(referenceGemm(a, b, m, n, k).acc);
    const results = await Promise.all(Array.from({ length: 16 }, () => gemm(ta, tb)));
    for (const r of results) expect(values(r)).toEqual(want);
  });

  it('gemmSync gives the same answer as gemm', async () => {
    const a = new Tensor('float32', randomFloats(9 * 11, 5), [9, 11]);
    const b = new Tensor('float32', randomFloats(11 * 13, 6), [11, 13]);
    expect(values(gemmSync(a, b))).toEqual(values(await gemm(a, b)));
  });
});
