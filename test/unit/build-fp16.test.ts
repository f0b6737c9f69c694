// buildEngine precision 'fp16' on the CPU: fp16 weight storage (half the plan), fp32 compute.
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../lib/build/build-engine.js';
import { Engine } from '../../lib/engine.js';
import { BUILD_SPECS, maxAbs, maxDiff, precisions } from '../helpers/int8-models.js';
import { feedsFor, makeCase } from '../helpers/qdq-models.js';

describe('fp16 engine', () => {
  it('a single MatMul is within fp16 weight rounding of fp32: |Δy| ≤ 2^-11 · Σ|x||w|', async () => {
    const c = await makeCase(BUILD_SPECS.matmul3d!);
    const fp32 = await buildEngine(c.model, { precision: 'fp32' });
    const fp16 = await buildEngine(c.model, { precision: 'fp16' });
    const w = c.model.initializers.get('w')!;
    for (const feeds of c.samples) {
      const bound = 16 * maxAbs(feeds.x!) * maxAbs(w) * 2 ** -11 + 1e-6; // K = 16; each weight off by ≤ 2^-11 relative
      expect(maxDiff((await fp16.run(feeds)).y!, (await fp32.run(feeds)).y!)).toBeLessThanOrEqual(bound);
    }
  });

  for (const [name, spec] of Object.entries(BUILD_SPECS)) {
    it(`${name}: fp16 layers reported, outputs within fp16 rounding, a smaller plan`, async () => {
      const c = await makeCase(spec);
      const fp32 = await buildEngine(c.model, { precision: 'fp32' });
      const fp16 = await buildEngine(c.model, { precision: 'fp16' });
      expect(fp16.precision).toBe('fp16');
      for (const l of fp16.layers()) expect(l.precision).toBe(['Conv', 'Gemm', 'MatMul'].includes(l.op) ? 'fp16' : 'fp32');
      for (const feeds of c.samples) {
        const ref = (await fp32.run(feeds)).y!;
        expect(maxDiff((await fp16.run(feeds)).y!, ref) / maxAbs(ref)).toBeLessThan(3 * 2 ** -11);
      }
      const weightBytes = (e: Engine) => e.serialize().byteLength;
      expect(weightBytes(fp16)).toBeLessThan(weightBytes(fp32));
    });
  }

  it('keepFloat leaves a layer fp32; plans reload with identical outputs', async () => {
    const c = await makeCase(BUILD_SPECS.cnn!);
    const engine = await buildEngine(c.model, { precision: 'fp16', keepFloat: ['depthwise'] });
    expect(precisions(engine)).toEqual({ conv: 'fp16', grouped: 'fp16', depthwise: 'fp32', pointwise: 'fp16' });
    const reloaded = await Engine.load(engine.serialize());
    expect(reloaded.layers()).toEqual(engine.layers());
    const feeds = feedsFor(c.model, 7);
    expect((await reloaded.run(feeds)).y!.data).toEqual((await engine.run(feeds)).y!.data);
  });
});
