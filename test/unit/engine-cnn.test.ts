/** A small CNN (Conv-BN-Relu-Pool … Gemm), optimized and built, against onnxruntime-node; save/load round trip. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEngine } from '../../lib/build/build-engine.js';
import { Engine } from '../../lib/engine.js';
import { loadOnnx } from '../../lib/onnx/load.js';
import { Tensor } from '../../lib/tensor.js';
import { relativeMaxDiff, runOrt } from '../helpers/engine-check.js';
import { buildModel, f32, i64, type ModelSpec } from '../helpers/onnx-builder.js';
import { randomFloats } from '../helpers/random.js';

const rand = (dims: number[], seed: number, scale = 0.3) => f32(randomFloats(dims.reduce((a, b) => a * b, 1), seed, scale), dims);
const positive = (n: number, seed: number) => f32(randomFloats(n, seed, 0.4).map((v) => 1 + v), [n]);

export const cnnSpec: ModelSpec = {
  opset: 14,
  inputs: [{ name: 'image', dims: ['batch', 3, 19, 17] }],
  outputs: [{ name: 'probs', dims: ['batch', 10] }],
  nodes: [
    { op: 'Conv', name: 'conv1', inputs: ['image', 'w1', 'b1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } },
    { op: 'BatchNormalization', name: 'bn1', inputs: ['c1', 'g1', 'be1', 'm1', 'v1'], outputs: ['n1'] },
    { op: 'Relu', name: 'relu1', inputs: ['n1'], outputs: ['r1'] },
    { op: 'MaxPool', name: 'pool1', inputs: ['r1'], outputs: ['p1'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
    { op: 'Conv', name: 'dw', inputs: ['p1', 'wd'], outputs: ['d'], attrs: { group: 8, pads: [1, 1, 1, 1] } },
    { op: 'HardSwish', name: 'hs', inputs: ['d'], outputs: ['h'] },
    { op: 'Conv', name: 'pw', inputs: ['h', 'wp', 'bp'], outputs: ['q'] },
    { op: 'Add', name: 'res', inputs: ['q', 'p1'], outputs: ['s'] },
    { op: 'GlobalAveragePool', name: 'gap', inputs: ['s'], outputs: ['g'] },
    { op: 'Reshape', name: 'flat', inputs: ['g', 'shape'], outputs: ['f'] },
    { op: 'Gemm', name: 'fc', inputs: ['f', 'wf', 'bf'], outputs: ['logits'], attrs: { transB: 1 } },
    { op: 'Softmax', name: 'softmax', inputs: ['logits'], outputs: ['probs'], attrs: { axis: 1 } },
  ],
  initializers: {
    w1: rand([8, 3, 3, 3], 1), b1: rand([8], 2), g1: positive(8, 3), be1: rand([8], 4), m1: rand([8], 5), v1: positive(8, 6),
    wd: rand([8, 1, 3, 3], 7), wp: rand([8, 8, 1, 1], 8), bp: rand([8], 9), shape: i64([0, -1]), wf: rand([10, 8], 10), bf: rand([10], 11),
  },
};

const image = (batch: number, seed: number) => new Tensor('float32', randomFloats(batch * 3 * 19 * 17, seed), [batch, 3, 19, 17]);
const dir = mkdtempSync(path.join(tmpdir(), 'int8rt-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('engine: a small CNN', () => {
  it('matches onnxruntime within 1e-4 relative, for two batch sizes', async () => {
    const bytes = buildModel(cnnSpec);
    const engine = await buildEngine(await loadOnnx(bytes), { precision: 'fp32', device: 'cpu' });
    expect(engine.layers().map((l) => l.op)).toEqual(['Conv', 'MaxPool', 'Conv', 'Conv', 'Add', 'GlobalAveragePool', 'Reshape', 'Gemm', 'Softmax']);
    expect(engine.layers()[0]).toMatchObject({ name: 'conv1', precision: 'fp32', fusedFrom: ['bn1', 'relu1'] });
    expect(engine.inputs).toEqual([{ name: 'image', type: 'float32', dims: ['batch', 3, 19, 17] }]);
    expect(engine.outputs.map((o) => o.name)).toEqual(['probs']);
    expect(engine.precision).toBe('fp32');
    expect(engine.device).toBe('cpu');
    for (const batch of [1, 3]) {
      const feeds = { image: image(batch, batch) };
      const [ours, ref] = await Promise.all([engine.run(feeds), runOrt(bytes, feeds)]);
      expect(ours.probs!.dims).toEqual([batch, 10]);
      expect(relativeMaxDiff(ours.probs!, ref.probs!)).toBeLessThan(1e-4);
    }
    engine.dispose();
  });

  it('save → load from file, and serialize → load from bytes, give identical outputs', async () => {
    const engine = await buildEngine(await loadOnnx(buildModel(cnnSpec)), { precision: 'fp32' });
    const file = path.join(dir, 'cnn.plan');
    await engine.save(file);
    const fromFile = await Engine.load(file);
    const fromBytes = await Engine.load(engine.serialize(), { device: 'cpu' });
    const feeds = { image: image(2, 42) };
    const [a, b, c] = await Promise.all([engine.run(feeds), fromFile.run(feeds), fromBytes.run(feeds)]);
    expect([...(b.probs!.data as Float32Array)]).toEqual([...(a.probs!.data as Float32Array)]);
    expect([...(c.probs!.data as Float32Array)]).toEqual([...(a.probs!.data as Float32Array)]);
    expect(fromFile.layers()).toEqual(engine.layers());
    for (const e of [engine, fromFile, fromBytes]) e.dispose();
  });

  it('a missing plan file is ERR_INVALID_ARG naming the path', async () => {
    await expect(Engine.load(path.join(dir, 'nope.plan'))).rejects.toMatchObject({ code: 'ERR_INVALID_ARG', message: expect.stringContaining('nope.plan') });
  });
});
