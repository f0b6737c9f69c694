/** The ops added for issue C's op list, each against onnxruntime-node on random non-zero data of awkward sizes. */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../lib/build/build-engine.js';
import { loadOnnx } from '../../lib/onnx/load.js';
import { Tensor } from '../../lib/tensor.js';
import { compareWithOrt, single } from '../helpers/engine-check.js';
import { buildModel, f32, i64, type AttrSpec, type ModelSpec } from '../helpers/onnx-builder.js';
import { randomFloats } from '../helpers/random.js';

const TOL = 1e-5;


const close = async (spec: ModelSpec, tol = TOL) => expect(await compareWithOrt(spec, 11)).toBeLessThan(tol);
const rand = (dims: number[], seed: number, scale = 1) => f32(randomFloats(dims.reduce((a, b) => a * b, 1), seed, scale), dims);

describe('engine ops: math and broadcasting', () => {
  for (const [op, opset, attrs] of [['Exp', 13, {}], ['Neg', 13, {}], ['Abs', 13, {}], ['Erf', 13, {}], ['Gelu', 20, {}],
    ['Gelu', 20, { approximate: 'tanh' }]] as [string, number, Record<string, AttrSpec>][]) {
    it(`${op} ${JSON.stringify(attrs)}`, async () => close(single(op, [[3, 17, 5]], attrs, opset)));
  }
  it('Sqrt and Log (positive inputs via Abs)', async () => {
    for (const op of ['Sqrt', 'Log']) {
      await close({ opset: 13, inputs: [{ name: 'x', dims: [2, 33] }], outputs: [{ name: 'out', dims: null }],
        nodes: [{ op: 'Abs', inputs: ['x'], outputs: ['a'] }, { op, inputs: ['a'], outputs: ['out'] }] });
    }
  });
  it('Pow with broadcasting, float and integer exponents', async () => {
    await close({ opset: 15, inputs: [{ name: 'x', dims: [3, 17] }], outputs: [{ name: 'out', dims: null }],
      nodes: [{ op: 'Abs', inputs: ['x'], outputs: ['a'] }, { op: 'Pow', inputs: ['a', 'e'], outputs: ['out'] }], initializers: { e: rand([17], 5, 2) } });
    await close(single('Pow', [[4, 5]], {}, 15, { inputs: ['e'], initializers: { e: i64([3]) } }));
  });
  it('PRelu with a per-channel slope', async () => close(single('PRelu', [[2, 5, 7, 3]], {}, 16, { inputs: ['s'], initializers: { s: rand([5, 1, 1], 6) } })));
  it('Sum, Mean, Max, Min over three broadcast inputs', async () => {
    for (const op of ['Sum', 'Mean', 'Max', 'Min']) await close(single(op, [[2, 3, 17], [3, 1], [17]]));
  });
  it('Where and Equal', async () => {
    await close({ opset: 16, inputs: [{ name: 'x', dims: [4, 9] }, { name: 'y', dims: [9] }], outputs: [{ name: 'out', dims: null }],
      nodes: [{ op: 'Equal', inputs: ['x', 'x'], outputs: ['c'] }, { op: 'Where', inputs: ['c', 'x', 'y'], outputs: ['out'] }] });
  });
});

describe('engine ops: layout and indexing', () => {
  it('Slice with negative steps, clamped bounds and axes', async () => {
    await close(single('Slice', [[5, 17, 9]], {}, 13, { inputs: ['s', 'e', 'a', 'st'], initializers: { s: i64([-1, 1]), e: i64([-100, 15]), a: i64([0, 1]), st: i64([-2, 3]) } }));
  });
  it('Gather along axis 1 with negative indices', async () => {
    await close(single('Gather', [[3, 17, 4]], { axis: 1 }, 13, { inputs: ['i'], initializers: { i: i64([0, -1, 5, 5, 16], [5]) } }));
  });
  it('Split (sizes input, and num_outputs with a short last chunk)', async () => {
    for (const [opset, attrs, inputs, inits] of [[13, { axis: 1 }, ['s'], { s: i64([3, 14]) }], [18, { axis: 1, num_outputs: 2 }, [], {}]] as const) {
      await close({ opset, inputs: [{ name: 'x', dims: [2, 17] }], outputs: [{ name: 'a', dims: null }, { name: 'b', dims: null }],
        nodes: [{ op: 'Split', inputs: ['x', ...inputs], outputs: ['a', 'b'], attrs: attrs as Record<string, AttrSpec> }], initializers: inits });
    }
  });
  for (const mode of ['constant', 'reflect', 'edge']) {
    it(`Pad ${mode} (with a negative pad)`, async () => {
      await close(single('Pad', [[2, 5, 7]], { mode }, 13, { inputs: ['p', 'v'], initializers: { p: i64([0, 2, 3, 0, -1, 4]), v: f32([0.5], []) } }));
    });
  }
  it('Expand and Tile', async () => {
    await close(single('Expand', [[3, 1]], {}, 13, { inputs: ['s'], initializers: { s: i64([2, 3, 17]) } }));
    await close(single('Tile', [[3, 5]], {}, 13, { inputs: ['r'], initializers: { r: i64([2, 3]) } }));
  });
  it('Shape → Gather → Concat → Reshape with a symbolic batch', async () => {
    const spec: ModelSpec = {
      opset: 13, inputs: [{ name: 'x', dims: ['batch', 4, 6] }], outputs: [{ name: 'out', dims: null }],
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'zero'], outputs: ['b'], attrs: { axis: 0 } },
        { op: 'Concat', inputs: ['b', 'tail'], outputs: ['t'], attrs: { axis: 0 } },
        { op: 'Reshape', inputs: ['x', 't'], outputs: ['out'] },
      ],
      initializers: { zero: i64([0]), tail: i64([-1]) },
    };
    const engine = await buildEngine(await loadOnnx(buildModel(spec)), { precision: 'fp32', device: 'cpu' });
    for (const batch of [1, 5]) {
      const out = await engine.run({ x: new Tensor('float32', randomFloats(batch * 24, batch), [batch, 4, 6]) });
      expect(out.out!.dims).toEqual([batch, 24]);
    }
    engine.dispose();
  });
  it('Cast float → int32 → float', async () => {
    await close({ opset: 13, inputs: [{ name: 'x', dims: [3, 7] }], outputs: [{ name: 'out', dims: null }],
      nodes: [{ op: 'Mul', inputs: ['x', 'k'], outputs: ['m'] }, { op: 'Cast', inputs: ['m'], outputs: ['c'], attrs: { to: 6 } },
        { op: 'Cast', inputs: ['c'], outputs: ['out'], attrs: { to: 1 } }], initializers: { k: f32([10], []) } });
  });
});

describe('engine ops: reductions, normalizations, resize, ConvTranspose, quantization', () => {
  for (const op of ['ReduceMean', 'ReduceSum', 'ReduceMax']) {
    it(`${op} with axes attribute (opset 13) and input (opset 18)`, async () => {
      await close(single(op, [[3, 5, 17]], op === 'ReduceSum' ? { keepdims: 0 } : { axes: [0, 2], keepdims: 0 }, 13,
        op === 'ReduceSum' ? { inputs: ['a'], initializers: { a: i64([0, -1]) } } : {}));
      await close(single(op, [[3, 5, 17]], {}, 18, { inputs: ['a'], initializers: { a: i64([1]) } }));
    });
  }
  it('BatchNormalization (unfolded: its input is a graph input)', async () => {
    await close(single('BatchNormalization', [[2, 3, 5, 7]], { epsilon: { f: 1e-3 } }, 15, { inputs: ['s', 'b', 'm', 'v'],
      initializers: { s: rand([3], 1), b: rand([3], 2), m: rand([3], 3), v: f32([0.5, 1.5, 2], [3]) } }));
  });
  it('LayerNormalization, InstanceNormalization, LRN', async () => {
    await close(single('LayerNormalization', [[2, 3, 17]], { axis: -1 }, 17, { inputs: ['s', 'b'], initializers: { s: rand([17], 4), b: rand([17], 5) } }), 1e-4);
    await close(single('InstanceNormalization', [[2, 3, 5, 7]], {}, 13, { inputs: ['s', 'b'], initializers: { s: rand([3], 4), b: rand([3], 5) } }), 1e-4);
    await close(single('LRN', [[2, 7, 5, 3]], { size: 3, alpha: { f: 0.01 } }, 13));
  });
  for (const [mode, coord, nearest] of [['nearest', 'asymmetric', 'floor'], ['nearest', 'half_pixel', 'round_prefer_ceil'],
    ['linear', 'half_pixel', ''], ['linear', 'align_corners', ''], ['linear', 'pytorch_half_pixel', ''], ['linear', 'asymmetric', '']]) {
    it(`Resize ${mode} ${coord} ${nearest}`, async () => {
      const attrs: Record<string, AttrSpec> = { mode: mode!, coordinate_transformation_mode: coord!, ...(nearest ? { nearest_mode: nearest } : {}) };
      // align_corners with a non-integral in·scale: ONNX (and its conformance data) divides by in·scale − 1,
      // onnxruntime by the floored output size − 1; int8rt follows the spec, so only sizes are compared there.
      if (coord !== 'align_corners') await close(single('Resize', [[1, 2, 5, 7]], attrs, 13, { inputs: ['', 'sc'], initializers: { sc: f32([1, 1, 1.6, 0.7], [4]) } }));
      await close(single('Resize', [[1, 2, 5, 7]], attrs, 13, { inputs: ['', '', 'sz'], initializers: { sz: i64([1, 2, 9, 3]) } }));
    });
  }
  it('ConvTranspose with strides, pads, output_padding, groups and bias', async () => {
    await close(single('ConvTranspose', [[2, 4, 5, 7]], { strides: [2, 3], pads: [1, 0, 0, 2], output_padding: [1, 2], group: 2 }, 13,
      { inputs: ['w', 'b'], initializers: { w: rand([4, 3, 3, 4], 7), b: rand([6], 8) } }), 1e-4);
    await close(single('ConvTranspose', [[1, 3, 9]], { dilations: [2] }, 13, { inputs: ['w'], initializers: { w: rand([3, 2, 3], 9) } }), 1e-4);
  });
  it('QuantizeLinear → DequantizeLinear, per tensor (uint8) and per axis (int8)', async () => {
    for (const [zp, scale] of [[new Tensor('uint8', Uint8Array.from([128]), []), f32([0.02], [])],
      [new Tensor('int8', Int8Array.from([-3, 0, 5]), [3]), f32([0.01, 0.02, 0.03], [3])]] as const) {
      await close({ opset: 13, inputs: [{ name: 'x', dims: [2, 3, 7] }], outputs: [{ name: 'out', dims: null }],
        nodes: [{ op: 'QuantizeLinear', inputs: ['x', 's', 'z'], outputs: ['q'], attrs: { axis: 1 } },
          { op: 'DequantizeLinear', inputs: ['q', 's', 'z'], outputs: ['out'], attrs: { axis: 1 } }], initializers: { s: scale, z: zp } });
    }
  });
});

// Runs a model on onnxruntime-node and on int8rt with typed feeds; the outputs must be equal element
// for element (integer and float16 results), or within `tol` relative to the largest magnitude (float32).
async function sameAsOrt(spec: ModelSpec, feeds: Record<string, Tensor>, tol = 0): Promise<void> {
  const { createRequire } = await import('node:module');
  const ort = createRequire(import.meta.url)('onnxruntime-node') as typeof import('onnxruntime-node');
  const bytes = buildModel(spec);
  const session = await ort.InferenceSession.create(bytes);
  const ref = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) =>
    [k, new ort.Tensor(t.type, t.data as Float32Array, t.dims)])));
  const engine = await buildEngine(await loadOnnx(bytes), { precision: 'fp32', device: 'cpu' });
  try {
    const ours = await engine.run(feeds);
    for (const [name, r] of Object.entries(ref)) {
      const o = ours[name]!;
      expect(o.type).toBe(r.type);
      expect(o.dims).toEqual(r.dims);
      const a = Array.from(o.data as ArrayLike<number | bigint>, Number), b = Array.from(r.data as ArrayLike<number | bigint>, Number);
      if (tol === 0) expect(a).toEqual(b);
      else {
        const scale = Math.max(1e-6, ...b.map(Math.abs));
        expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]!))) / scale).toBeLessThan(tol);
      }
    }
  } finally {
    engine.dispose();
  }
}

const randInts = (n: number, seed: number, lo: number, hi: number) => Array.from(randomFloats(n, seed, 1), (v) => lo + Math.floor(((v + 1) / 2) * (hi - lo + 1)) % (hi - lo + 1));
const pool = (op: string, dims: number[], attrs: Record<string, AttrSpec>, opset: number, type: 'float32' | 'int8' | 'uint8' = 'float32'): ModelSpec => ({
  opset, inputs: [{ name: 'x', type, dims }], outputs: [{ name: 'out', type, dims: null }], nodes: [{ op, name: `${op}_0`, inputs: ['x'], outputs: ['out'], attrs }],
});

describe('engine ops: pooling with dilations, 3-D pooling, integer MaxPool', () => {
  it('AveragePool-19 with dilations (pads, strides, ceil_mode, count_include_pad 0 and 1)', async () => {
    for (const count_include_pad of [0, 1]) {
      await close(pool('AveragePool', [2, 3, 11, 13], { kernel_shape: [3, 2], dilations: [2, 3], strides: [1, 2], pads: [1, 1, 2, 1], count_include_pad }, 19));
      await close(pool('AveragePool', [1, 2, 12, 9], { kernel_shape: [2, 2], dilations: [2, 2], strides: [3, 2], ceil_mode: 1, count_include_pad }, 19));
      await close(pool('AveragePool', [1, 2, 17], { kernel_shape: [3], dilations: [3], pads: [2, 1], count_include_pad }, 19));
    }
  });
  it('AveragePool and MaxPool in 3-D (dilations, pads, strides, ceil_mode)', async () => {
    for (const op of ['AveragePool', 'MaxPool']) {
      await close(pool(op, [2, 3, 7, 8, 9], { kernel_shape: [2, 3, 2], strides: [2, 1, 2], pads: [1, 0, 1, 0, 1, 1] }, 19));
      await close(pool(op, [1, 2, 9, 8, 7], { kernel_shape: [2, 2, 3], dilations: [2, 3, 1], strides: [1, 2, 2], ceil_mode: 1 }, 19));
      await close(pool(op, [1, 2, 6, 7, 5], { kernel_shape: [3, 3, 3], auto_pad: 'SAME_UPPER', strides: [2, 2, 1] }, 19));
    }
    await close(pool('AveragePool', [1, 2, 8, 7, 9], { kernel_shape: [3, 2, 2], pads: [1, 1, 0, 1, 0, 1], count_include_pad: 1 }, 19));
  });
  it('MaxPool on uint8 and int8 (exact)', async () => {
    for (const [type, lo, hi] of [['uint8', 0, 255], ['int8', -128, 127]] as const) {
      const x = new Tensor(type, randInts(2 * 3 * 11 * 10, 3, lo, hi), [2, 3, 11, 10]);
      await sameAsOrt(pool('MaxPool', [2, 3, 11, 10], { kernel_shape: [3, 2], strides: [2, 1], pads: [1, 0, 1, 1], dilations: [1, 2] }, 12, type), { x });
    }
  });
});

describe('engine ops: integer Pow and Clip, float16 Max/Min, shape values through Max/Min/Neg', () => {
  it('Pow on int32 and int64 bases (integer and float exponents)', async () => {
    const base = randInts(3 * 7, 4, -6, 6), exp = randInts(7, 5, 0, 7);
    for (const [bt, et] of [['int32', 'int32'], ['int64', 'int64'], ['int32', 'float32'], ['int64', 'int32']] as const) {
      const x = new Tensor(bt, bt === 'int64' ? base.map(BigInt) : base, [3, 7]);
      const e = new Tensor(et, et === 'int64' ? exp.map(BigInt) : exp, [7]);
      await sameAsOrt({ opset: 15, inputs: [{ name: 'x', type: bt, dims: [3, 7] }, { name: 'e', type: et, dims: [7] }], outputs: [{ name: 'out', type: bt, dims: null }],
        nodes: [{ op: 'Pow', inputs: ['x', 'e'], outputs: ['out'] }] }, { x, e });
    }
  });
  it('Clip on int8, uint8, int32 and int64 (bounds given, one missing, min > max)', async () => {
    for (const [type, lo, hi] of [['int8', -128, 127], ['uint8', 0, 255], ['int32', -1000, 1000], ['int64', -1000, 1000]] as const) {
      const vals = randInts(5 * 9, 6, lo, hi);
      const mk = (v: number[], dims: number[]) => new Tensor(type, type === 'int64' ? v.map(BigInt) : v, dims);
      const x = mk(vals, [5, 9]);
      const bounds = type === 'uint8' ? [[20, 200], [200, 20]] : [[-50, 60], [60, -50]];
      for (const [a, b] of bounds) {
        await sameAsOrt({ opset: 13, inputs: [{ name: 'x', type, dims: [5, 9] }, { name: 'lo', type, dims: [] }, { name: 'hi', type, dims: [] }],
          outputs: [{ name: 'out', type, dims: null }], nodes: [{ op: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: ['out'] }] }, { x, lo: mk([a!], []), hi: mk([b!], []) });
      }
      await sameAsOrt({ opset: 13, inputs: [{ name: 'x', type, dims: [5, 9] }, { name: 'hi', type, dims: [] }], outputs: [{ name: 'out', type, dims: null }],
        nodes: [{ op: 'Clip', inputs: ['x', '', 'hi'], outputs: ['out'] }] }, { x, hi: mk([bounds[0]![1]!], []) });
    }
  });
  it('Max and Min on float16 with broadcasting and NaN', async () => {
    const { floatToHalf } = await import('../../lib/half.js');
    const half = (v: ArrayLike<number>, dims: number[]) => new Tensor('float16', floatToHalf(Float32Array.from(v)), dims);
    const xv = Array.from(randomFloats(2 * 3 * 5, 7, 3)), yv = Array.from(randomFloats(5, 8, 3));
    xv[4] = NaN;
    for (const op of ['Max', 'Min']) {
      await sameAsOrt({ opset: 13, inputs: [{ name: 'x', type: 'float16', dims: [2, 3, 5] }, { name: 'y', type: 'float16', dims: [5] }], outputs: [{ name: 'out', type: 'float16', dims: null }],
        nodes: [{ op, inputs: ['x', 'y'], outputs: ['out'] }] }, { x: half(xv, [2, 3, 5]), y: half(yv, [5]) });
    }
  });
  it('Pad whose pads come from Shape → Max/Min/Neg arithmetic (center crop/pad), for several input sizes', async () => {
    // pads = [ max(target − dims, 0) / 2 …, then the rest ] with crops as −(max(dims − target, 0)) — Pad's negative pads crop.
    const spec: ModelSpec = {
      opset: 18, inputs: [{ name: 'x', dims: ['h', 'w'] }, { name: 't', type: 'int64', dims: [2] }], outputs: [{ name: 'out', dims: null }],
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Sub', inputs: ['t', 's'], outputs: ['d'] },
        { op: 'Max', inputs: ['d', 'zero'], outputs: ['grow'] },
        { op: 'Sub', inputs: ['s', 't'], outputs: ['d2'] },
        { op: 'Max', inputs: ['d2', 'zero'], outputs: ['shrink'] },
        { op: 'Neg', inputs: ['shrink'], outputs: ['crop'] },
        { op: 'Min', inputs: ['crop', 'zero'], outputs: ['crop2'] },
        { op: 'Add', inputs: ['grow', 'crop2'], outputs: ['total'] },
        { op: 'Div', inputs: ['total', 'two'], outputs: ['begin'] },
        { op: 'Sub', inputs: ['total', 'begin'], outputs: ['end'] },
        { op: 'Concat', inputs: ['begin', 'end'], outputs: ['pads'], attrs: { axis: 0 } },
        { op: 'Pad', inputs: ['x', 'pads'], outputs: ['out'] },
      ],
      initializers: { zero: i64([0]), two: i64([2]) },
    };
    for (const [h, w, th, tw] of [[5, 8, 7, 3], [9, 4, 2, 10], [6, 6, 6, 6]]) {
      await sameAsOrt(spec, { x: rand([h!, w!], h! * w!), t: new Tensor('int64', [BigInt(th!), BigInt(tw!)], [2]) }, 1e-6);
    }
  });
});
