// foldConstants: shape chains and constant arithmetic become initializers.
import { describe, expect, it } from 'vitest';
import { foldConstants } from '../../lib/graph/passes/fold-constants.js';
import { optimize } from '../../lib/graph/optimize.js';
import { f32, i64, loadSpec } from '../helpers/onnx-builder.js';
import { evaluate } from '../helpers/onnx-eval.js';
import { maxDiffAfter, randomFeeds } from '../helpers/pass-check.js';
import { Tensor } from '../../lib/tensor.js';

const values = (t: Tensor | undefined) => (t ? Array.from(t.data as ArrayLike<number | bigint>, Number) : undefined);

describe('foldConstants', () => {
  it('folds Shape of static dims through Gather/Unsqueeze/Concat into the Reshape target', async () => {
    const m = await loadSpec({
      inputs: [{ name: 'x', dims: [2, 3, 4] }], outputs: [{ name: 'y' }],
      initializers: { zero: i64([0], []), ax: i64([0]), minus1: i64([-1]) },
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'] },
        { op: 'Unsqueeze', inputs: ['n', 'ax'], outputs: ['n1'] },
        { op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['shape'], attrs: { axis: 0 } },
        { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] },
      ],
    });
    const after = foldConstants(m);
    expect(after.nodes.map((n) => n.op)).toEqual(['Reshape']);
    expect(values(after.initializers.get('shape'))).toEqual([2, -1]);
    const feeds = randomFeeds(m, 1);
    const y = evaluate(after, feeds).y!;
    expect([y.dims, y.data]).toEqual([[2, 12], feeds.x!.data]);
  });

  it('leaves Shape of a symbolic dim, and nodes writing graph outputs', async () => {
    const m = await loadSpec({
      inputs: [{ name: 'x', dims: ['N', 4] }], outputs: [{ name: 's' }, { name: 'k' }],
      nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['s'] }, { op: 'Constant', inputs: [], outputs: ['k'], attrs: { value: f32([1], [1]) } }],
    });
    expect(foldConstants(m).nodes).toHaveLength(2);
  });

  it('evaluates Constant, ConstantOfShape, Cast, Slice, Squeeze and arithmetic', async () => {
    const m = await loadSpec({
      opset: 13, inputs: [{ name: 'x', dims: [3] }], outputs: [{ name: 'y' }],
      initializers: { a: f32([1, 2, 3], [3]), b: f32([10], [1]), st: i64([1]), en: i64([3]), dims: i64([1, 3]), sq: i64([0]) },
      nodes: [
        { op: 'Constant', inputs: [], outputs: ['c'], attrs: { value_floats: { floats: [0.5, 0.25, 2] } } },
        { op: 'Mul', inputs: ['a', 'b'], outputs: ['ab'] },
        { op: 'Sub', inputs: ['ab', 'c'], outputs: ['abc'] },
        { op: 'Div', inputs: ['abc', 'b'], outputs: ['d'] },
        { op: 'ConstantOfShape', inputs: ['dims'], outputs: ['ones'], attrs: { value: f32([1], [1]) } },
        { op: 'Squeeze', inputs: ['ones', 'sq'], outputs: ['ones1'] },
        { op: 'Add', inputs: ['d', 'ones1'], outputs: ['e'] },
        { op: 'Cast', inputs: ['st'], outputs: ['stf'], attrs: { to: 1 } },
        { op: 'Slice', inputs: ['e', 'st', 'en'], outputs: ['tail'] },
        { op: 'Concat', inputs: ['stf', 'tail'], outputs: ['k'], attrs: { axis: 0 } },
        { op: 'Add', inputs: ['x', 'k'], outputs: ['y'] },
      ],
    });
    const after = foldConstants(m);
    expect(after.nodes.map((n) => n.op)).toEqual(['Add']);
    const k = values(after.initializers.get('k'))!;
    expect(k).toEqual([1, Math.fround((20 - 0.25) / 10) + 1, Math.fround((30 - 2) / 10) + 1].map(Math.fround));
    const feeds = randomFeeds(m, 2);
    expect(Array.from(evaluate(after, feeds).y!.data as Float32Array)).toEqual(Array.from(feeds.x!.data as Float32Array, (v, i) => Math.fround(v + k[i]!)));
  });
});

describe('optimize', () => {
  it('runs every pass to a fixed point: Conv → BN → Identity → Relu becomes one fused Conv', async () => {
    const m = await loadSpec({
      opset: 13, inputs: [{ name: 'x', dims: ['N', 2, 5, 5] }], outputs: [{ name: 'y' }],
      initializers: {
        w: f32([1, -1, 0.5, 2, 0.25, -0.5, 1, 1], [2, 2, 1, 2]), g: f32([1, 2], [2]), b: f32([0.1, -0.2], [2]),
        mean: f32([0.3, 0.1], [2]), var: f32([1, 0.5], [2]), bias: f32([0.5, -0.5], [1, 2, 1, 1]), zero: i64([0], []),
      },
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], name: 'conv' },
        { op: 'Add', inputs: ['c', 'bias'], outputs: ['cb'], name: 'add' },
        { op: 'BatchNormalization', inputs: ['cb', 'g', 'b', 'mean', 'var'], outputs: ['bn'], name: 'bn' },
        { op: 'Identity', inputs: ['bn'], outputs: ['id'] },
        { op: 'Relu', inputs: ['id'], outputs: ['y'], name: 'relu' },
        { op: 'Shape', inputs: ['x'], outputs: ['unused'] },
      ],
    });
    const after = optimize(m);
    expect(after.nodes.map((n) => n.op)).toEqual(['Conv']);
    const conv = after.nodes[0]!;
    expect(conv.outputs).toEqual(['y']);
    expect(conv.attributes.activation).toEqual({ type: 'Relu', params: [] });
    expect(conv.attributes.fusedFrom).toEqual(['add', 'bn', 'relu']);
    expect([...after.initializers.keys()].every((k) => conv.inputs.includes(k))).toBe(true);
    expect(after.valueInfo.get('y')!.dims).toEqual(['N', 2, 5, 4]);
    expect(maxDiffAfter(m, after)).toBeLessThan(1e-5);
  });
});
