// buildEngine precision 'int8': int8 Conv / Gemm / MatMul layers ("int8 compute, float between
// layers") against the fp32 engine, onnxruntime-node on our Q/DQ export, and an exact integer reference.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../lib/build/build-engine.js';
import { calibrate } from '../../lib/calibrate/calibrate.js';
import { Engine } from '../../lib/engine.js';
import { exportQDQBytes } from '../../lib/export/export-qdq.js';
import { quantizeValue, quantizeWeight, scaleOf } from '../../lib/export/weight-quant.js';
import { loadOnnx } from '../../lib/onnx/load.js';
import { Tensor } from '../../lib/tensor.js';
import { BUILD_SPECS, maxAbs, maxDiff, precisions } from '../helpers/int8-models.js';
import { f32, loadSpec, type ModelSpec } from '../helpers/onnx-builder.js';
import { noiseImage, ppocrModel, textImage } from '../helpers/ppocr.js';
import { runOrt } from '../helpers/qdq-check.js';
import { feedsFor, makeCase } from '../helpers/qdq-models.js';
import { randomFloats } from '../helpers/random.js';

const QUANTIZABLE = ['Conv', 'Gemm', 'MatMul'];

describe('int8 engine vs fp32 and onnxruntime', () => {
  for (const [name, spec] of Object.entries(BUILD_SPECS)) {
    it(`${name}: within a few output steps of fp32, and of ORT on the Q/DQ export`, async () => {
      const c = await makeCase(spec);
      const fp32 = await buildEngine(c.model, { precision: 'fp32' });
      const int8 = await buildEngine(c.model, { precision: 'int8', calibration: c.amax });
      // Our fp32 layers (depthwise) stay float in the export too; no residual-Add Q/DQ (not an int8 region here yet).
      const keepFloat = int8.layers().filter((l) => QUANTIZABLE.includes(l.op) && l.precision === 'fp32').map((l) => l.name);
      const qdq = exportQDQBytes(c.model, c.amax, { keepFloat, residualAdd: false });
      let worstFloat = 0, worstOrt = 0;
      for (const feeds of c.samples) {
        const ref = (await fp32.run(feeds)).y!;
        const ours = (await int8.run(feeds)).y!;
        const ort = (await runOrt(qdq, feeds)).y!;
        const step = maxAbs(ref) / 127; // the output's own int8 step
        worstFloat = Math.max(worstFloat, maxDiff(ours, ref) / step);
        worstOrt = Math.max(worstOrt, maxDiff(ours, ort) / step);
      }
      console.log(`${name}: int8 vs fp32 ${worstFloat.toFixed(2)} output steps, vs ORT ${worstOrt.toExponential(2)} steps`);
      expect(worstFloat).toBeLessThan(10); // the errors of every layer's input and weight rounding, compounded
      expect(worstOrt).toBeLessThan(2); // float summation order, plus the odd input rounding that flips a step
      fp32.dispose();
      int8.dispose();
    });
  }

  it('one int8 MatMul is within the error bound its scales give', async () => {
    const c = await makeCase(BUILD_SPECS.matmul3d!);
    const wt = c.model.initializers.get('w')!;
    const { scale } = quantizeWeight(wt, 1);
    const k = wt.dims[0]!, ax = c.amax.get('x')!, sx = scaleOf(ax), aw = maxAbs(wt), sw = Math.max(...scale);
    // |Δ(x·w)| ≤ Σ_k |x|·sw/2 + |w|·sx/2 + sx·sw/4 per output (rounding to nearest halves each step).
    const bound = k * (ax * sw / 2 + aw * sx / 2 + sx * sw / 4);
    const fp32 = await buildEngine(c.model, { precision: 'fp32' });
    const int8 = await buildEngine(c.model, { precision: 'int8', calibration: c.amax });
    for (const feeds of c.samples) expect(maxDiff((await int8.run(feeds)).y!, (await fp32.run(feeds)).y!)).toBeLessThanOrEqual(bound);
  });
});

describe('int8 Conv integer math', () => {
  const dims = { x: [2, 4, 7, 6], w: [6, 2, 3, 3] };
  const spec: ModelSpec = {
    inputs: [{ name: 'x', dims: dims.x }], outputs: [{ name: 'y' }],
    initializers: { w: f32(randomFloats(108, 5, 0.7), dims.w), b: f32(randomFloats(6, 6), [6]) },
    nodes: [{ op: 'Conv', name: 'conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { group: 2, strides: [2, 1], pads: [1, 0, 1, 1] } }],
  };

  // Quantize x, int32 accumulation over the group's window, then acc · sx · sw[m] + b[m].
  function reference(x: Float32Array, amax: number, w: Tensor, b: Float32Array): { y: Float64Array; dims: number[] } {
    const [n, c, h, wd] = dims.x as [number, number, number, number];
    const [m, cg, kh, kw] = dims.w as [number, number, number, number];
    const sx = scaleOf(amax), qx = x.map((v) => quantizeValue(v, sx));
    const { q, scale } = quantizeWeight(w, 0);
    const oh = Math.floor((h + 2 - kh) / 2) + 1, ow = wd + 1 - kw + 1, mg = m / 2;
    const y = new Float64Array(n * m * oh * ow);
    for (let i = 0; i < n; i++) for (let o = 0; o < m; o++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
      let acc = 0;
      const g = Math.floor(o / mg);
      for (let ci = 0; ci < cg; ci++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
        const iy = oy * 2 - 1 + ky, ix = ox + kx;
        if (iy < 0 || iy >= h || ix >= wd) continue;
        acc += qx[((i * c + g * cg + ci) * h + iy) * wd + ix]! * (q.data as Int8Array)[((o * cg + ci) * kh + ky) * kw + kx]!;
      }
      y[((i * m + o) * oh + oy) * ow + ox] = acc * sx * scale[o]! + b[o]!;
    }
    return { y, dims: [n, m, oh, ow] };
  }

  it('matches a JS reference doing the same integer math, to float rounding', async () => {
    const model = await loadSpec(spec);
    const x = randomFloats(2 * 4 * 7 * 6, 9, 2);
    const amax = 1.5; // some inputs clip: saturation is part of the check
    const engine = await buildEngine(model, { precision: 'int8', calibration: new Map([['x', amax]]) });
    expect(precisions(engine)).toEqual({ conv: 'int8' });
    const out = (await engine.run({ x: new Tensor('float32', x, dims.x) })).y!;
    const ref = reference(x, amax, model.initializers.get('w')!, model.initializers.get('b')!.data as Float32Array);
    expect(out.dims).toEqual(ref.dims);
    const got = out.data as Float32Array;
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - ref.y[i]!)).toBeLessThanOrEqual(4 * 2 ** -24 * (Math.abs(ref.y[i]!) + 1));
  });
});

describe('int8 build options and layers()', () => {
  it('reports each layer: depthwise stays fp32, keepFloat and a missing amax leave a node fp32', async () => {
    const c = await makeCase(BUILD_SPECS.cnn!);
    const all = await buildEngine(c.model, { precision: 'int8', calibration: c.amax });
    expect(all.precision).toBe('int8');
    expect(precisions(all)).toEqual({ conv: 'int8', grouped: 'int8', depthwise: 'fp32', pointwise: 'int8' });
    const kept = await buildEngine(c.model, { precision: 'int8', calibration: c.amax, keepFloat: ['grouped', 'relu1'] });
    expect(precisions(kept)).toEqual({ conv: 'fp32', grouped: 'fp32', depthwise: 'fp32', pointwise: 'int8' }); // relu1 lives in conv
    const partial = new Map(c.amax);
    partial.delete('r3');
    const missing = await buildEngine(c.model, { precision: 'int8', calibration: partial });
    expect(precisions(missing).pointwise).toBe('fp32');
  });

  it('saves and loads with identical outputs', async () => {
    const c = await makeCase(BUILD_SPECS.cnn!);
    const engine = await buildEngine(c.model, { precision: 'int8', calibration: c.amax });
    const path = join(mkdtempSync(join(tmpdir(), 'int8rt-')), 'cnn.plan');
    await engine.save(path);
    const fromFile = await Engine.load(path);
    const fromBytes = await Engine.load(engine.serialize());
    expect(fromFile.layers()).toEqual(engine.layers());
    const feeds = feedsFor(c.model, 42);
    const y = (await engine.run(feeds)).y!.data;
    expect((await fromFile.run(feeds)).y!.data).toEqual(y);
    expect((await fromBytes.run(feeds)).y!.data).toEqual(y);
  });

  it('rejects bad options with ERR_INVALID_ARG', async () => {
    const model = await loadSpec(BUILD_SPECS.convReluConv!);
    await expect(buildEngine(model, { precision: 'int4' } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG', message: expect.stringContaining('precision') });
    await expect(buildEngine(model, { precision: 'int8' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG', message: expect.stringContaining('calibration') });
    await expect(buildEngine(model, { precision: 'int8', calibration: new Map([['x', 1]]), keepFloat: ['nope'] }))
      .rejects.toMatchObject({ code: 'ERR_INVALID_ARG', message: expect.stringContaining('nope') });
    await expect(buildEngine(model, { precision: 'int8', calibration: new Map([['x', -1]]) })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
  });
});

describe('PP-OCR cls in int8', () => {
  it('calibrated on a few random batches, its argmax agrees with fp32 on most inputs', async () => {
    const model = await loadOnnx(ppocrModel('cls'));
    const calibration = await calibrate(model, [1, 2, 3].map((s) => ({ x: s === 2 ? noiseImage(48, 192, s) : textImage(48, 192, s) })));
    const fp32 = await buildEngine(model, { precision: 'fp32' });
    const int8 = await buildEngine(model, { precision: 'int8', calibration, method: 'entropy' });
    const layers = int8.layers();
    const count = (p: string) => layers.filter((l) => QUANTIZABLE.includes(l.op) && l.precision === p).length;
    let agree = 0;
    const inputs = [10, 11, 12, 13, 14, 15].map((s) => (s % 2 ? noiseImage(48, 192, s) : textImage(48, 192, s)));
    const argmax = (t: Tensor) => { const d = t.data as Float32Array; return d.indexOf(Math.max(...d)); };
    let worst = 0;
    for (const x of inputs) {
      const a = Object.values(await fp32.run({ x }))[0]!, b = Object.values(await int8.run({ x }))[0]!;
      if (argmax(a) === argmax(b)) agree++;
      worst = Math.max(worst, maxDiff(a, b));
    }
    console.log(`cls: ${count('int8')} int8 / ${count('fp32')} fp32 layers; argmax agrees on ${agree}/${inputs.length}; max prob diff ${worst.toFixed(4)}`);
    expect(count('int8')).toBeGreaterThan(0);
    expect(agree).toBeGreaterThanOrEqual(inputs.length - 1);
  });
});
