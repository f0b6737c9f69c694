// Calibration output: the TensorRT cache of every tensor, JSON round trips, and a real model (PP-OCR cls).
import { describe, expect, it } from 'vitest';
import { calibrate } from '../../lib/calibrate/calibrate.js';
import { Calibration } from '../../lib/calibrate/calibration.js';
import { calibrationTensors } from '../../lib/calibrate/calibration-tensors.js';
import { readTensorRTCache, scaleHex } from '../../lib/calibrate/trt-cache.js';
import { loadOnnx } from '../../lib/onnx/load.js';
import { loadSpec } from '../helpers/onnx-builder.js';
import { noiseImage, ppocrModel } from '../helpers/ppocr.js';
import { feedsFor } from '../helpers/qdq-models.js';
import { CALIB_SPECS } from '../helpers/calib-models.js';

const model = await loadSpec(CALIB_SPECS.residual!);
const calibration = await calibrate(model, [1, 2, 3].map((s) => feedsFor(model, s)));

describe('Calibration output', () => {
  it.each([
    ['max', 'MinMaxCalibration'],
    ['entropy', 'EntropyCalibration2'],
    ['percentile', 'EntropyCalibration2'],
    ['mse', 'EntropyCalibration2'],
  ] as const)('writes a %s cache with every tensor and its scale', (method, algorithm) => {
    const text = calibration.toTensorRTCache(method, { version: 8601 });
    const cache = readTensorRTCache(text);
    expect(cache.version).toBe(8601);
    expect(cache.algorithm).toBe(algorithm);
    const amax = calibration.amax(method);
    expect([...cache.amax.keys()]).toEqual(calibration.tensors);
    for (const t of calibration.tensors) {
      expect(text).toContain(`\n${t}: ${scaleHex(amax.get(t)!)}\n`);
      expect(scaleHex(cache.amax.get(t)!)).toBe(scaleHex(amax.get(t)!));
    }
  });

  it('takes an explicit algorithm label', () => {
    expect(calibration.toTensorRTCache('percentile', { algorithm: 'MinMaxCalibration', percentile: 99.9 })).toMatch(/^TRT-100300-MinMaxCalibration\n/);
  });

  it('round-trips through JSON', () => {
    const back = Calibration.fromJSON(JSON.stringify(calibration));
    expect(back.tensors).toEqual(calibration.tensors);
    for (const method of ['max', 'entropy', 'percentile', 'mse'] as const) expect(back.amax(method)).toEqual(calibration.amax(method));
    expect(() => Calibration.fromJSON({ format: 'nope' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
  });

  it('rejects unknown tensors and methods', () => {
    expect(() => calibration.histogram('nope')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    expect(() => calibration.amax('median' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
  });

  it('calibrates every watched tensor of the PP-OCR direction classifier', async () => {
    const cls = await loadOnnx(ppocrModel('cls'));
    const c = await calibrate(cls, [1, 2, 3].map((s) => ({ x: noiseImage(48, 192, s) })));
    expect(c.tensors).toEqual(calibrationTensors(cls));
    expect(c.tensors.length).toBeGreaterThan(20);
    const names = new Set([...cls.inputs.map((i) => i.name), ...cls.nodes.flatMap((n) => n.outputs)]);
    for (const t of c.tensors) {
      expect(names.has(t), t).toBe(true);
      expect(c.histogram(t).count, t).toBeGreaterThan(0);
    }
    expect(readTensorRTCache(c.toTensorRTCache('entropy')).amax.size).toBe(c.tensors.length);
  });
});
