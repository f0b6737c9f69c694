/** Engine.run behaviour: feed validation, errors leave the engine usable, dispose, concurrency, the event loop. */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEngine } from '../../lib/build/build-engine.js';
import type { Engine } from '../../lib/engine.js';
import { loadOnnx } from '../../lib/onnx/load.js';
import { Tensor } from '../../lib/tensor.js';
import { buildModel, f32, loadSpec, type ModelSpec } from '../helpers/onnx-builder.js';
import { randomFloats } from '../helpers/random.js';

// y = relu(x · w) + z, with a symbolic batch shared by x and z.
const spec: ModelSpec = {
  inputs: [{ name: 'x', dims: ['batch', 6] }, { name: 'z', dims: ['batch', 4] }],
  outputs: [{ name: 'y', dims: ['batch', 4] }],
  nodes: [
    { op: 'MatMul', name: 'mm', inputs: ['x', 'w'], outputs: ['m'] },
    { op: 'Relu', name: 'relu', inputs: ['m'], outputs: ['r'] },
    { op: 'Add', name: 'add', inputs: ['r', 'z'], outputs: ['y'] },
  ],
  initializers: { w: f32(randomFloats(24, 1), [6, 4]) },
};

const feedsFor = (batch: number, seed: number) => ({
  x: new Tensor('float32', randomFloats(batch * 6, seed), [batch, 6]),
  z: new Tensor('float32', randomFloats(batch * 4, seed + 1), [batch, 4]),
});

function expected(feeds: { x: Tensor; z: Tensor }): Float32Array {
  const w = randomFloats(24, 1);
  const b = feeds.x.dims[0]!;
  const x = feeds.x.data as Float32Array, z = feeds.z.data as Float32Array;
  const out = new Float32Array(b * 4);
  for (let i = 0; i < b; i++) for (let j = 0; j < 4; j++) {
    let s = 0;
    for (let k = 0; k < 6; k++) s += x[i * 6 + k]! * w[k * 4 + j]!;
    out[i * 4 + j] = Math.max(s, 0) + z[i * 4 + j]!;
  }
  return out;
}

const close = (a: Tensor, b: Float32Array) => {
  const d = a.data as Float32Array;
  expect(d.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(Math.abs(d[i]! - b[i]!)).toBeLessThan(1e-5);
};

let engine: Engine;
beforeAll(async () => {
  engine = await buildEngine(await loadSpec(spec), { precision: 'fp32' });
});

describe('Engine.run', () => {
  it('runs with any batch size; returns every output by name', async () => {
    for (const batch of [1, 5, 2, 0]) {
      const feeds = feedsFor(batch, batch + 10);
      const out = await engine.run(feeds);
      expect(Object.keys(out)).toEqual(['y']);
      expect(out.y!.dims).toEqual([batch, 4]);
      close(out.y!, expected(feeds));
    }
  });

  it('accepts onnxruntime-style tensors ({type, data, dims})', async () => {
    const f = feedsFor(2, 3);
    const out = await engine.run({ x: { type: 'float32', data: f.x.data, dims: f.x.dims } as unknown as Tensor, z: f.z });
    close(out.y!, expected(f));
  });

  it('rejects bad feeds with codes that name the input, and stays usable', async () => {
    const f = feedsFor(2, 3);
    const cases: [unknown, string, RegExp][] = [
      [{ x: f.x }, 'ERR_INVALID_ARG', /input 'z'/],
      [{ ...f, extra: f.x }, 'ERR_INVALID_ARG', /'extra'/],
      [{ x: new Tensor('int32', new Int32Array(12), [2, 6]), z: f.z }, 'ERR_DTYPE', /input 'x'/],
      [{ x: new Tensor('float32', new Float32Array(12), [12]), z: f.z }, 'ERR_SHAPE', /input 'x'/],
      [{ x: new Tensor('float32', new Float32Array(14), [2, 7]), z: f.z }, 'ERR_SHAPE', /input 'x'/],
      [{ x: f.x, z: new Tensor('float32', new Float32Array(12), [3, 4]) }, 'ERR_SHAPE', /'batch' of input 'z'/],
      [{ x: { type: 'float32', data: new Float32Array(3), dims: [2, 6] }, z: f.z }, 'ERR_SHAPE', /input 'x'/],
      [{ x: 'nope', z: f.z }, 'ERR_INVALID_ARG', /input 'x'/],
      [null, 'ERR_INVALID_ARG', /feeds/],
    ];
    for (const [feeds, code, message] of cases) {
      const err = await engine.run(feeds as Record<string, Tensor>).catch((e: Error) => e);
      expect(err, JSON.stringify(code)).toMatchObject({ name: 'Int8rtError', code });
      expect((err as Error).message).toMatch(message);
    }
    close((await engine.run(f)).y!, expected(f));
  });

  it('lets NaN through (NaN data is allowed)', async () => {
    const f = feedsFor(2, 5);
    (f.z.data as Float32Array)[3] = NaN;
    const y = (await engine.run(f)).y!.data as Float32Array;
    expect(Number.isNaN(y[3]!)).toBe(true);
    expect(Number.isNaN(y[2]!)).toBe(false);
  });

  it('16 overlapping runs on one engine all give their own correct result', async () => {
    const feeds = Array.from({ length: 16 }, (_, i) => feedsFor(1 + (i % 5), 100 + i));
    const outs = await Promise.all(feeds.map((f) => engine.run(f)));
    outs.forEach((o, i) => close(o.y!, expected(feeds[i]!)));
  });

  it('does not block the event loop while a run works', async () => {
    // A conv heavy enough to take a while on any machine.
    const heavy = await buildEngine(await loadOnnx(buildModel({
      inputs: [{ name: 'x', dims: [1, 32, 96, 96] }], outputs: [{ name: 'y', dims: null }],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['a'], attrs: { pads: [1, 1, 1, 1] } },
        { op: 'Conv', inputs: ['a', 'w'], outputs: ['b'], attrs: { pads: [1, 1, 1, 1] } },
        { op: 'Conv', inputs: ['b', 'w'], outputs: ['y'], attrs: { pads: [1, 1, 1, 1] } },
      ],
      initializers: { w: f32(randomFloats(32 * 32 * 9, 2, 0.05), [32, 32, 3, 3]) },
    })), { precision: 'fp32' });
    const x = new Tensor('float32', randomFloats(32 * 96 * 96, 3), [1, 32, 96, 96]);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    const runs = Promise.all(Array.from({ length: 4 }, () => heavy.run({ x })));
    // The calls returned pending promises: no run happened on this thread.
    let settled = false;
    void runs.then(() => { settled = true; });
    await Promise.resolve();
    expect(settled).toBe(false);
    await runs;
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // A blocked loop could not tick while the runs worked.
    if (elapsed > 50) expect(ticks).toBeGreaterThan(2);
    heavy.dispose();
  });

  it('after dispose, run fails with ERR_DISPOSED; runs already started still finish', async () => {
    const e = await buildEngine(await loadSpec(spec), { precision: 'fp32' });
    const f = feedsFor(3, 9);
    const inFlight = e.run(f);
    e.dispose();
    close((await inFlight).y!, expected(f));
    await expect(e.run(f)).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    e.dispose(); // twice is harmless
  });
});

describe('buildEngine options', () => {
  it('builds fp32 only, and refuses a CUDA device this build cannot run engines on', async () => {
    const model = await loadSpec(spec);
    await expect(buildEngine(model, { precision: 'int8' } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG', message: expect.stringContaining('precision') });
    await expect(buildEngine(model, undefined as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    await expect(buildEngine(model, { precision: 'fp32', device: 'cuda' })).rejects.toMatchObject({ code: 'ERR_NO_CUDA' });
    await expect(buildEngine(model, { precision: 'fp32', device: 'tpu' } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
  });
});
