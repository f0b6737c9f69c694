// Shape inference on small built graphs: symbols, broadcasting, windows, Reshape through Shape chains.
import { describe, expect, it } from 'vitest';
import { Int8rtError } from '../../lib/errors.js';
import { f32, i64, loadSpec, type NodeSpec, type ValueSpec } from '../helpers/onnx-builder.js';

async function dimsOf(inputs: ValueSpec[], nodes: NodeSpec[], opset = 13, initializers = {}) {
  const outs = nodes.flatMap((n) => n.outputs).filter((o) => o);
  const m = await loadSpec({ opset, inputs, outputs: [{ name: outs[outs.length - 1]!, dims: null }], nodes, initializers });
  return (name: string) => m.valueInfo.get(name)?.dims;
}

describe('shape inference', () => {
  it('broadcasts numbers and symbols', async () => {
    const d = await dimsOf([{ name: 'a', dims: ['N', 1, 4] }, { name: 'b', dims: [3, 1] }, { name: 'c', dims: ['M'] }, { name: 'n', dims: ['N'] }], [
      { op: 'Add', inputs: ['a', 'b'], outputs: ['ab'] },
      { op: 'Mul', inputs: ['ab', 'c'], outputs: ['abc'] },
      { op: 'Add', inputs: ['c', 'n'], outputs: ['nm'] },
    ]);
    expect(d('ab')).toEqual(['N', 3, 4]);
    expect(d('abc')![0]).toBe('N');
    expect(d('abc')).toEqual(['N', 3, 4]); // M against 4: a symbol against n > 1 must be n (or 1)
    expect(d('nm')![0]).toMatch(/^\?\d+$/); // N against M: either may be 1
  });

  it('refuses a definite broadcast conflict with ERR_SHAPE naming the node', async () => {
    const e = await dimsOf([{ name: 'a', dims: [3] }, { name: 'b', dims: [4] }], [{ op: 'Add', inputs: ['a', 'b'], outputs: ['y'], name: 'bad_add' }])
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(Int8rtError);
    expect((e as Error).message).toMatch(/Node 'bad_add' \(Add\): cannot broadcast \[3\] with \[4\]/);
  });

  it('Conv and pools: pads, strides, dilations, auto_pad, ceil_mode, symbolic batch', async () => {
    const w = f32(new Float32Array(8 * 3 * 3 * 3), [8, 3, 3, 3]);
    const d = await dimsOf([{ name: 'x', dims: ['N', 3, 224, 223] }], [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c1'], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c2'], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } },
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c3'], attrs: { dilations: [2, 2] } },
      { op: 'MaxPool', inputs: ['c1'], outputs: ['p1'], attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } },
      { op: 'AveragePool', inputs: ['c1'], outputs: ['p2'], attrs: { kernel_shape: [2, 2], strides: [2, 2], auto_pad: 'VALID' } },
      { op: 'GlobalAveragePool', inputs: ['p1'], outputs: ['g'] },
      { op: 'Flatten', inputs: ['g'], outputs: ['f'] },
    ], 13, { w });
    expect(d('c1')).toEqual(['N', 8, 112, 112]);
    expect(d('c2')).toEqual(['N', 8, 112, 112]);
    expect(d('c3')).toEqual(['N', 8, 220, 219]);
    expect(d('p1')).toEqual(['N', 8, 56, 56]);
    expect(d('p2')).toEqual(['N', 8, 56, 56]);
    expect(d('g')).toEqual(['N', 8, 1, 1]);
    expect(d('f')).toEqual(['N', 8]);
  });

  it('Reshape from a Shape → Gather → Concat chain keeps the symbolic batch', async () => {
    const d = await dimsOf([{ name: 'x', dims: ['batch', 4, 5, 6] }], [
      { op: 'Shape', inputs: ['x'], outputs: ['s'] },
      { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attrs: { axis: 0 } },
      { op: 'Unsqueeze', inputs: ['n', 'axes0'], outputs: ['n1'] },
      { op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['shape'], attrs: { axis: 0 } },
      { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['r'] },
      { op: 'Reshape', inputs: ['x', 'fixed'], outputs: ['r2'] },
    ], 13, { zero: i64([0], []), axes0: i64([0]), minus1: i64([-1]), fixed: i64([0, -1, 6]) });
    expect(d('shape')).toEqual([2]);
    expect(d('r')).toEqual(['batch', 120]);
    expect(d('r2')).toEqual(['batch', 20, 6]);
  });

  it('Squeeze/Unsqueeze in attribute form (< 13) and input form (≥ 13); Slice, Transpose, Split, Concat', async () => {
    const old = await dimsOf([{ name: 'x', dims: [1, 'T', 1, 8] }], [
      { op: 'Squeeze', inputs: ['x'], outputs: ['s'], attrs: { axes: [0, 2] } },
      { op: 'Unsqueeze', inputs: ['s'], outputs: ['u'], attrs: { axes: [2] } },
      { op: 'Slice', inputs: ['u'], outputs: ['sl'], attrs: { starts: [2], ends: [100], axes: [1] } },
    ], 9);
    expect([old('s'), old('u'), old('sl')]).toEqual([['T', 8], ['T', 8, 1], ['T', 6, 1]]);
    const d = await dimsOf([{ name: 'x', dims: [1, 'T', 1, 8] }], [
      { op: 'Squeeze', inputs: ['x', 'ax'], outputs: ['s'] },
      { op: 'Unsqueeze', inputs: ['s', 'ax'], outputs: ['u'] },
      { op: 'Slice', inputs: ['u', 'st', 'en', 'sax', 'stp'], outputs: ['sl'] },
      { op: 'Transpose', inputs: ['sl'], outputs: ['t'], attrs: { perm: [3, 1, 0, 2] } },
      { op: 'Split', inputs: ['t', 'parts'], outputs: ['p1', 'p2'], attrs: { axis: 0 } },
      { op: 'Concat', inputs: ['p2', 'p1', 'p1'], outputs: ['cc'], attrs: { axis: 0 } },
    ], 13, { ax: i64([0, 2]), st: i64([-1]), en: i64([-1000]), sax: i64([3]), stp: i64([-2]), parts: i64([1, 3]) });
    expect(d('s')).toEqual(['T', 8]);
    expect(d('u')).toEqual([1, 'T', 1, 8]);
    expect(d('sl')).toEqual([1, 'T', 1, 4]);
    expect(d('t')).toEqual([4, 'T', 1, 1]);
    expect([d('p1'), d('p2')]).toEqual([[1, 'T', 1, 1], [3, 'T', 1, 1]]);
    expect(d('cc')).toEqual([5, 'T', 1, 1]);
  });

  it('MatMul, Gemm, Resize with scales and sizes, Pad, ReduceMean, Cast and Equal types', async () => {
    const d = await dimsOf([{ name: 'x', dims: ['B', 3, 10, 10] }, { name: 'm', dims: ['B', 7, 16] }], [
      { op: 'Resize', inputs: ['x', '', 'scales'], outputs: ['up'], attrs: { mode: 'nearest' } },
      { op: 'Resize', inputs: ['x', '', '', 'sizes'], outputs: ['down'] },
      { op: 'Pad', inputs: ['x', 'pads'], outputs: ['pd'] },
      { op: 'ReduceMean', inputs: ['x'], outputs: ['rm'], attrs: { axes: [2, 3], keepdims: 0 } },
      { op: 'MatMul', inputs: ['m', 'w'], outputs: ['mm'] },
      { op: 'Cast', inputs: ['mm'], outputs: ['ci'], attrs: { to: 7 } },
      { op: 'Equal', inputs: ['ci', 'ci'], outputs: ['eq'] },
    ], 13, { scales: f32([1, 1, 2, 2.5], [4]), sizes: i64([1, 3, 5, 4]), pads: i64([0, 0, 1, 2, 0, 0, 3, 4]), w: f32(new Float32Array(16 * 5), [16, 5]) });
    expect(d('up')).toEqual(['B', 3, 20, 25]);
    expect(d('down')).toEqual([1, 3, 5, 4]);
    expect(d('pd')).toEqual(['B', 3, 14, 16]);
    expect(d('rm')).toEqual(['B', 3]);
    expect(d('mm')).toEqual(['B', 7, 5]);
  });

  it('gives unknown sizes fresh ?<n> symbols instead of failing', async () => {
    const d = await dimsOf([{ name: 'x', dims: [2, 3] }, { name: 'shape', type: 'int64', dims: [3] }], [
      { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['r'] },
      { op: 'Relu', inputs: ['r'], outputs: ['y'] },
    ]);
    expect(d('y')).toHaveLength(3);
    expect(d('y')!.every((s) => typeof s === 'string' && s.startsWith('?'))).toBe(true);
  });

  it('keeps a declared symbolic output name where inference only has ?<n>', async () => {
    const m = await loadSpec({
      inputs: [{ name: 'x', dims: [2, 3] }, { name: 'shape', type: 'int64', dims: [2] }],
      outputs: [{ name: 'y', dims: ['rows', 'cols'] }],
      nodes: [{ op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] }],
    });
    expect(m.outputs[0]!.dims).toEqual(['rows', 'cols']);
  });
});
