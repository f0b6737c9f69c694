/** Each CPU op of the fp32 engine against onnxruntime-node, on random non-zero data of awkward sizes. */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../lib/build/build-engine.js';
import { loadOnnx } from '../../lib/onnx/load.js';
import { compareWithOrt, single } from '../helpers/engine-check.js';
import { buildModel, f32, i64, type AttrSpec, type ModelSpec } from '../helpers/onnx-builder.js';
import { randomFloats } from '../helpers/random.js';

const TOL = 1e-5;


async function expectClose(spec: ModelSpec, tol = TOL): Promise<void> {
  expect(await compareWithOrt(spec, 7)).toBeLessThan(tol);
}

describe('engine ops: elementwise', () => {
  for (const op of ['Add', 'Sub', 'Mul', 'Div']) {
    it(`${op} with numpy broadcasting`, async () => {
      await expectClose(single(op, [[3, 17], [3, 17]]));
      await expectClose(single(op, [[2, 3, 5, 7], [3, 1, 7]]));
      await expectClose(single(op, [[1, 5, 1], [4, 1, 6]]));
      await expectClose(single(op, [[33], []]));
      await expectClose(single(op, [[], [2, 9]]));
    });
  }

  for (const [op, attrs, opset] of [
    ['Relu', {}, 13], ['Sigmoid', {}, 13], ['Tanh', {}, 13], ['HardSwish', {}, 14],
    ['HardSigmoid', { alpha: { f: 0.3 }, beta: { f: 0.4 } }, 13], ['LeakyRelu', { alpha: { f: 0.07 } }, 13],
    ['Clip', { min: { f: -0.5 }, max: { f: 0.75 } }, 10],
  ] as [string, Record<string, AttrSpec>, number][]) {
    it(`${op}`, async () => {
      await expectClose(single(op, [[2, 3, 17, 5]], attrs, opset));
    });
  }

  it('Clip with bound inputs (opset 13), one bound absent', async () => {
    await expectClose(single('Clip', [[5, 33]], {}, 13, { inputs: ['lo', 'hi'], initializers: { lo: f32([-0.25], []), hi: f32([1.5], []) } }));
    await expectClose(single('Clip', [[5, 33]], {}, 13, { inputs: ['', 'hi'], initializers: { hi: f32([0.5], []) } }));
  });
});

describe('engine ops: Conv', () => {
  const conv = (x: number[], w: number[], attrs: Record<string, AttrSpec> = {}, bias = true): ModelSpec => ({
    inputs: [{ name: 'x', dims: x }],
    outputs: [{ name: 'out', dims: null }],
    nodes: [{ op: 'Conv', name: 'conv', inputs: ['x', 'w', ...(bias ? ['b'] : [])], outputs: ['out'], attrs }],
    initializers: { w: f32(randomFloats(w.reduce((a, b) => a * b, 1), 3), w), ...(bias ? { b: f32(randomFloats(w[0]!, 4), [w[0]!]) } : {}) },
  });

  it('3x3 with pads, and without bias', async () => {
    await expectClose(conv([2, 3, 7, 9], [5, 3, 3, 3], { pads: [1, 1, 1, 1] }));
    await expectClose(conv([1, 3, 7, 9], [5, 3, 3, 3], { pads: [1, 1, 1, 1] }, false));
  });
  it('strides, dilations and asymmetric pads', async () => {
    await expectClose(conv([1, 4, 15, 17], [6, 4, 3, 2], { strides: [2, 3], dilations: [2, 1], pads: [0, 1, 2, 1] }));
  });
  it('groups', async () => {
    await expectClose(conv([2, 6, 9, 8], [4, 3, 3, 3], { group: 2, pads: [1, 1, 1, 1] }));
  });
  it('depthwise (and with a channel multiplier)', async () => {
    await expectClose(conv([2, 6, 11, 13], [6, 1, 3, 3], { group: 6, strides: [2, 2], pads: [1, 1, 1, 1] }));
    await expectClose(conv([1, 3, 10, 7], [6, 1, 5, 5], { group: 3, pads: [2, 2, 2, 2] }));
  });
  it('pointwise 1x1', async () => {
    await expectClose(conv([2, 17, 5, 7], [33, 17, 1, 1]));
  });
  it('auto_pad SAME_UPPER, SAME_LOWER, VALID', async () => {
    await expectClose(conv([1, 3, 10, 11], [4, 3, 4, 3], { auto_pad: 'SAME_UPPER', strides: [2, 2] }));
    await expectClose(conv([1, 3, 10, 11], [4, 3, 4, 3], { auto_pad: 'SAME_LOWER', strides: [3, 2] }));
    await expectClose(conv([1, 3, 10, 11], [4, 3, 3, 3], { auto_pad: 'VALID', strides: [2, 2] }));
  });
  it('1-D', async () => {
    await expectClose(conv([2, 5, 31], [7, 5, 3], { pads: [1, 2], strides: [2] }));
  });

  for (const [act, attrs, opset] of [
    ['Relu', {}, 13], ['Sigmoid', {}, 13], ['LeakyRelu', { alpha: { f: 0.1 } }, 13], ['HardSigmoid', {}, 13],
    ['HardSwish', {}, 14], ['Clip', { min: { f: 0 }, max: { f: 6 } }, 10],
  ] as [string, Record<string, AttrSpec>, number][]) {
    it(`fused ${act} in the epilogue`, async () => {
      const spec = conv([1, 4, 9, 10], [8, 4, 3, 3], { pads: [1, 1, 1, 1] });
      spec.opset = opset;
      spec.nodes = [{ ...spec.nodes[0]!, outputs: ['c'] }, { op: act, name: 'act', inputs: ['c'], outputs: ['out'], attrs }];
      const engine = await buildEngine(await loadOnnx(buildModel(spec)), { precision: 'fp32' });
      expect(engine.layers().map((l) => l.op)).toEqual(['Conv']);
      expect(await compareWithOrt(spec, 5, engine)).toBeLessThan(TOL);
      engine.dispose();
    });
  }
});

describe('engine ops: Gemm and MatMul', () => {
  const gemm = (a: number[], b: number[], c: number[] | null, attrs: Record<string, AttrSpec> = {}): ModelSpec => ({
    inputs: [{ name: 'a', dims: a }],
    outputs: [{ name: 'out', dims: null }],
    nodes: [{ op: 'Gemm', name: 'gemm', inputs: ['a', 'b', ...(c ? ['c'] : [])], outputs: ['out'], attrs }],
    initializers: { b: f32(randomFloats(b.reduce((x, y) => x * y, 1), 8), b), ...(c ? { c: f32(randomFloats(c.reduce((x, y) => x * y, 1), 9), c) } : {}) },
  });
  it('Gemm: transposes, alpha, beta and every C broadcast', async () => {
    await expectClose(gemm([5, 17], [17, 33], [33]));
    await expectClose(gemm([17, 5], [33, 17], [1, 33], { transA: 1, transB: 1 }));
    await expectClose(gemm([5, 17], [17, 9], [5, 9], { alpha: { f: 0.5 }, beta: { f: 2 } }));
    await expectClose(gemm([5, 17], [17, 9], [5, 1], { beta: { f: 0.25 } }));
    await expectClose(gemm([5, 17], [17, 9], [], { alpha: { f: 1.5 } }));
    await expectClose(gemm([5, 17], [17, 9], null));
  });
  it('MatMul: 2-D, batched with broadcasting, 1-D operands', async () => {
    await expectClose(single('MatMul', [[7, 13], [13, 9]]));
    await expectClose(single('MatMul', [[2, 3, 7, 13], [13, 9]]));
    await expectClose(single('MatMul', [[2, 1, 3, 4], [5, 4, 6]]));
    await expectClose(single('MatMul', [[13], [3, 13, 9]]));
    await expectClose(single('MatMul', [[2, 7, 13], [13]]));
  });
});

describe('engine ops: pooling', () => {
  it('MaxPool: pads, strides, dilations, ceil_mode', async () => {
    await expectClose(single('MaxPool', [[2, 3, 11, 13]], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }));
    await expectClose(single('MaxPool', [[1, 3, 11, 13]], { kernel_shape: [3, 2], strides: [2, 2], ceil_mode: 1 }));
    await expectClose(single('MaxPool', [[1, 2, 12, 12]], { kernel_shape: [2, 2], dilations: [2, 2], pads: [1, 0, 0, 1] }));
    // (SAME_* with dilations is left out: onnxruntime sizes that output against its own shape inference.)
    await expectClose(single('MaxPool', [[1, 2, 12, 11]], { kernel_shape: [3, 2], strides: [2, 2], auto_pad: 'SAME_UPPER' }));
    await expectClose(single('MaxPool', [[1, 2, 19]], { kernel_shape: [4], strides: [3] }));
  });
  it('AveragePool: count_include_pad, ceil_mode', async () => {
    await expectClose(single('AveragePool', [[2, 3, 11, 13]], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }));
    await expectClose(single('AveragePool', [[2, 3, 11, 13]], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 }));
    await expectClose(single('AveragePool', [[1, 3, 11, 10]], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }));
  });
  it('GlobalAveragePool and GlobalMaxPool', async () => {
    await expectClose(single('GlobalAveragePool', [[2, 5, 7, 9]]));
    await expectClose(single('GlobalMaxPool', [[2, 5, 7, 9]]));
  });
});

describe('engine ops: layout and Softmax', () => {
  it('Concat', async () => {
    await expectClose(single('Concat', [[2, 3, 5], [2, 4, 5], [2, 1, 5]], { axis: 1 }));
    await expectClose(single('Concat', [[2, 3, 5], [2, 3, 2]], { axis: -1 }));
  });
  it('Reshape (0 and -1), Flatten, Identity', async () => {
    await expectClose(single('Reshape', [[2, 3, 4, 5]], {}, 13, { inputs: ['s'], initializers: { s: i64([0, -1, 5]) } }));
    await expectClose(single('Flatten', [[2, 3, 4, 5]], { axis: 2 }));
    await expectClose(single('Identity', [[3, 7]]));
  });
  it('Squeeze and Unsqueeze (axes as inputs at opset 13, attributes before)', async () => {
    await expectClose(single('Squeeze', [[3, 1, 7, 1]], {}, 13, { inputs: ['a'], initializers: { a: i64([1, -1]) } }));
    await expectClose(single('Unsqueeze', [[3, 7]], {}, 13, { inputs: ['a'], initializers: { a: i64([0, 3]) } }));
    await expectClose(single('Unsqueeze', [[3, 7]], { axes: [1] }, 11));
  });
  it('Transpose', async () => {
    await expectClose(single('Transpose', [[2, 3, 4, 5]], { perm: [0, 2, 3, 1] }));
    await expectClose(single('Transpose', [[7, 9]]));
    await expectClose(single('Transpose', [[2, 3, 5]], { perm: [2, 0, 1] }));
  });
  it('Softmax and LogSoftmax (axis semantics of opset 13 and of older opsets)', async () => {
    await expectClose(single('Softmax', [[2, 5, 3, 4]], { axis: 1 }));
    await expectClose(single('Softmax', [[2, 5, 33]]));
    await expectClose(single('Softmax', [[2, 5, 3, 4]], { axis: 1 }, 11));
    await expectClose(single('LogSoftmax', [[3, 17]], { axis: -1 }));
  });
});
