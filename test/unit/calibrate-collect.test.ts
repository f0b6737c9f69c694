// calibrate(): the native observer bins exactly the values the engine computes for every watched
// tensor, for sync and async data, with progress; amax('max') is the true max |x|.
import { describe, expect, it } from 'vitest';
import { calibrate } from '../../lib/calibrate/calibrate.js';
import { buildModel, loadSpec } from '../helpers/onnx-builder.js';
import { runOrt } from '../helpers/qdq-check.js';
import { feedsFor } from '../helpers/qdq-models.js';
import { CALIB_SPECS, asyncSamples, engineValues, referenceHistogram } from '../helpers/calib-models.js';

const maxAbs = (d: Float32Array) => d.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('calibrate: collection', () => {
  it.each(Object.keys(CALIB_SPECS))('%s: each histogram equals the public Histogram over the engine values', async (name) => {
    const model = await loadSpec(CALIB_SPECS[name]!);
    const samples = [1, 2, 3].map((s) => feedsFor(model, s));
    const calibration = await calibrate(model, samples, { bins: 256 });
    expect(calibration.tensors.length).toBeGreaterThan(0);
    const values = await engineValues(model, [...calibration.tensors], samples);
    const max = calibration.amax('max');
    for (const t of calibration.tensors) {
      const ref = referenceHistogram(values, t, 256);
      expect(calibration.histogram(t).toJSON(), t).toEqual(ref.toJSON());
      expect(max.get(t), t).toBe(Math.max(...values.map((v) => maxAbs(v.get(t)!.data as Float32Array))));
    }
    // The engine's values are the model's: onnxruntime agrees on the ranges.
    const spec = CALIB_SPECS[name]!;
    const probe = buildModel({ ...spec, outputs: [...spec.outputs, ...calibration.tensors.filter((t) => !spec.inputs.some((i) => i.name === t)).map((t) => ({ name: t, dims: null }))] });
    const ort = await Promise.all(samples.map((s) => runOrt(probe, s)));
    for (const t of calibration.tensors) {
      const trueMax = Math.max(...samples.map((s, i) => maxAbs(((ort[i]![t] ?? s[t])!).data as Float32Array)));
      expect(Math.abs(max.get(t)! - trueMax), t).toBeLessThanOrEqual(1e-5 * trueMax);
    }
  });

  it('gives the same histograms for an async iterable and for a generator', async () => {
    const model = await loadSpec(CALIB_SPECS.residual!);
    const samples = [4, 5, 6, 7].map((s) => feedsFor(model, s));
    const fromArray = await calibrate(model, samples);
    const fromAsync = await calibrate(model, asyncSamples(samples));
    const fromGenerator = await calibrate(model, (function* () { yield* samples; })());
    expect(fromAsync.toJSON()).toEqual(fromArray.toJSON());
    expect(fromGenerator.toJSON()).toEqual(fromArray.toJSON());
  });

  it('reports progress after each sample, with the total for arrays', async () => {
    const model = await loadSpec(CALIB_SPECS.gemmChain!);
    const samples = [1, 2, 3].map((s) => feedsFor(model, s));
    const calls: [number, number | undefined][] = [];
    await calibrate(model, samples, { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual([[1, 3], [2, 3], [3, 3]]);
    calls.length = 0;
    await calibrate(model, asyncSamples(samples), { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual([[1, undefined], [2, undefined], [3, undefined]]);
  });

  it('streams a long generator one sample at a time', async () => {
    const model = await loadSpec(CALIB_SPECS.convReluConv!);
    let made = 0, inFlight = 0, maxInFlight = 0;
    function* batches() {
      for (let i = 0; i < 200; i++) {
        made++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        yield feedsFor(model, 1000 + i);
      }
    }
    const calibration = await calibrate(model, batches(), { onProgress: () => { inFlight--; } });
    expect(made).toBe(200);
    expect(maxInFlight).toBe(1); // the next sample is only asked for once the last one is done
    expect(calibration.histogram('x').count).toBe(200 * 3 * 8 * 8);
  });

  it('computes every method from one pass', async () => {
    const model = await loadSpec(CALIB_SPECS.convReluConv!);
    const calibration = await calibrate(model, [1, 2].map((s) => feedsFor(model, s)));
    for (const method of ['max', 'entropy', 'percentile', 'mse'] as const) {
      const amax = calibration.amax(method, { percentile: 99.9 });
      expect([...amax.keys()]).toEqual(calibration.tensors);
      for (const t of calibration.tensors) expect(amax.get(t)).toBe(calibration.histogram(t).amax(method, { percentile: 99.9 }));
    }
  });
});
