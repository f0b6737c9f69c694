// calibrate(): argument errors, empty data, a bad sample (named by index), non-finite activations.
import { describe, expect, it } from 'vitest';
import { calibrate } from '../../lib/calibrate/calibrate.js';
import { Tensor } from '../../lib/tensor.js';
import { loadSpec } from '../helpers/onnx-builder.js';
import { feedsFor } from '../helpers/qdq-models.js';
import { CALIB_SPECS } from '../helpers/calib-models.js';

const model = await loadSpec(CALIB_SPECS.convReluConv!);

function withNaN(seed: number, count: number) {
  const feeds = feedsFor(model, seed);
  const x = new Float32Array(feeds.x!.data as Float32Array);
  for (let i = 0; i < count; i++) x[i * 7] = i % 2 ? Infinity : NaN;
  return { x: new Tensor('float32', x, feeds.x!.dims) };
}

describe('calibrate: errors', () => {
  it('rejects empty data and bad arguments with ERR_INVALID_ARG', async () => {
    await expect(calibrate(model, [])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG', message: expect.stringMatching(/empty/) });
    await expect(calibrate(model, (async function* () {})())).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(calibrate(model, 42 as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(calibrate({} as never, [])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(calibrate(model, [feedsFor(model, 1)], { bins: 100 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(calibrate(model, [feedsFor(model, 1)], { onProgress: 1 as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
  });

  it('names the sample whose feeds are wrong', async () => {
    const good = feedsFor(model, 1);
    const wrongShape = { x: new Tensor('float32', new Float32Array(3 * 4 * 4), [1, 3, 4, 4]) };
    await expect(calibrate(model, [good, good, wrongShape])).rejects.toMatchObject({ code: 'ERR_SHAPE', message: expect.stringMatching(/^Calibration sample 2: .*'x'/) });
    await expect(calibrate(model, [good, { y: good.x! }])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG', message: expect.stringMatching(/^Calibration sample 1: /) });
  });

  it('fails with ERR_NONFINITE naming the tensor and the count', async () => {
    const err = await calibrate(model, [feedsFor(model, 1), withNaN(2, 3)]).catch((e) => e);
    expect(err.code).toBe('ERR_NONFINITE');
    expect(err.message).toMatch(/^Calibration sample 1: /);
    expect(err.message).toMatch(/'x'|"x"|\bx\b/);
    expect(err.message).toMatch(/\b3\b/);
  });

  it('leaves non-finite values out with skipNonFinite', async () => {
    const clean = await calibrate(model, [feedsFor(model, 1)]);
    const skipped = await calibrate(model, [feedsFor(model, 1), withNaN(2, 3)], { skipNonFinite: true });
    const n = 3 * 8 * 8;
    expect(skipped.histogram('x').count).toBe(2 * n - 3);
    expect(clean.histogram('x').count).toBe(n);
    // NaN propagates through the convolutions: later tensors lose values too, and still calibrate.
    expect(skipped.histogram('r1').count).toBeGreaterThan(0);
    expect(skipped.amax('max').get('x')).toBeGreaterThan(0);
  });

  it('rejects with the progress callback error, and stops asking for samples', async () => {
    let asked = 0;
    function* data() { for (;;) { asked++; yield feedsFor(model, asked); } }
    await expect(calibrate(model, data(), { onProgress: (d) => { if (d === 2) throw new Error('stop'); } })).rejects.toThrow('stop');
    expect(asked).toBe(2);
  });
});
