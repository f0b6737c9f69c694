/**
 * Opset handling of the Q/DQ export: models at 13+ keep their opset; older ones are raised to 13
 * with attribute → input rewrites where the meaning is unchanged, and refused where it is not.
 */
import { describe, expect, it } from 'vitest';
import { exportQDQBytes, toQDQ } from '../../lib/export/export-qdq.js';
import { Tensor } from '../../lib/tensor.js';
import { buildModel, f32, loadSpec, type ModelSpec } from '../helpers/onnx-builder.js';
import { relDiff, runOrt } from '../helpers/qdq-check.js';
import { randomFloats } from '../helpers/random.js';

const x = (dims: number[]) => new Tensor('float32', randomFloats(dims.reduce((a, b) => a * b, 1), 9, 2), dims);

/** Runs the old-opset float model and the exported one in ORT; both must agree closely. */
async function compare(spec: ModelSpec, feeds: Record<string, Tensor>, amax: Map<string, number>) {
  const model = await loadSpec(spec);
  const { model: qdq } = toQDQ(model, amax);
  const [a, b] = await Promise.all([runOrt(buildModel(spec), feeds), runOrt(exportQDQBytes(model, amax), feeds)]);
  return { qdq, diff: relDiff(b.y!, a.y!) };
}

describe('exportQDQ opsets', () => {
  it('keeps an opset of 13 or more', async () => {
    const model = await loadSpec({ opset: 17, inputs: [{ name: 'x', dims: [2, 4] }], outputs: [{ name: 'y', dims: [2, 3] }],
      initializers: { w: f32(randomFloats(12, 1), [4, 3]) }, nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }] });
    expect(toQDQ(model, new Map([['x', 2]])).model.opset).toBe(17);
  });

  it('raises opset 11 to 13: Squeeze / Unsqueeze / ReduceSum axes and Split split become inputs', async () => {
    const spec: ModelSpec = {
      opset: 11, inputs: [{ name: 'x', dims: [6, 4] }], outputs: [{ name: 'y', dims: [1, 5] }],
      initializers: { w: f32(randomFloats(20, 2), [4, 5]) },
      nodes: [
        { op: 'Unsqueeze', inputs: ['x'], outputs: ['u'], attrs: { axes: [0] } },
        { op: 'Squeeze', inputs: ['u'], outputs: ['s'], attrs: { axes: [0] } },
        { op: 'MatMul', name: 'mm', inputs: ['s', 'w'], outputs: ['m'] },
        { op: 'Split', inputs: ['m'], outputs: ['p', 'q'], attrs: { axis: 0, split: [3, 3] } },
        { op: 'Softmax', inputs: ['p'], outputs: ['sm'], attrs: { axis: 1 } },
        { op: 'ReduceSum', inputs: ['sm'], outputs: ['y'], attrs: { axes: [0], keepdims: 1 } },
      ],
    };
    const { qdq, diff } = await compare(spec, { x: x([6, 4]) }, new Map([['s', 4]]));
    expect(qdq.opset).toBe(13);
    for (const op of ['Unsqueeze', 'Squeeze', 'Split', 'ReduceSum']) {
      const n = qdq.nodes.find((k) => k.op === op)!;
      expect([op, n.inputs.length, Object.keys(n.attributes).filter((k) => k === 'axes' || k === 'split')]).toEqual([op, 2, []]);
    }
    expect(diff).toBeLessThan(0.02);
  });

  it('raises opset 9 to 13: Clip min/max, Pad pads/value and Slice attributes become inputs', async () => {
    const spec: ModelSpec = {
      opset: 9, inputs: [{ name: 'x', dims: [1, 2, 4, 4] }], outputs: [{ name: 'y', dims: null }],
      initializers: { w: f32(randomFloats(54, 3), [3, 2, 3, 3]) },
      nodes: [
        { op: 'Clip', inputs: ['x'], outputs: ['c'], attrs: { min: { f: -1 }, max: { f: 1.5 } } },
        { op: 'Pad', inputs: ['c'], outputs: ['p'], attrs: { pads: [0, 0, 1, 1, 0, 0, 2, 2], value: { f: 0.25 } } },
        { op: 'Slice', inputs: ['p'], outputs: ['s'], attrs: { starts: [1], ends: [6], axes: [3] } },
        { op: 'Conv', name: 'conv', inputs: ['s', 'w'], outputs: ['y'], attrs: { pads: [1, 0, 1, 1] } },
      ],
    };
    const { qdq, diff } = await compare(spec, { x: x([1, 2, 4, 4]) }, new Map([['s', 1.5]]));
    expect(qdq.nodes.find((n) => n.op === 'Clip')!.inputs).toHaveLength(3);
    expect(qdq.nodes.find((n) => n.op === 'Pad')!.inputs).toHaveLength(3);
    expect(qdq.nodes.find((n) => n.op === 'Slice')!.inputs).toHaveLength(4);
    expect(diff).toBeLessThan(0.02);
  });

  const refuse: [string, ModelSpec, RegExp][] = [
    ['Softmax-11 over two axes', {
      opset: 11, inputs: [{ name: 'x', dims: [2, 3, 4] }], outputs: [{ name: 'y', dims: null }],
      nodes: [{ op: 'Softmax', name: 'sm', inputs: ['x'], outputs: ['y'], attrs: { axis: 1 } }],
    }, /Softmax node 'sm' normalizes over dims \[1\.\.2\]/],
    ['Resize-10', {
      opset: 10, inputs: [{ name: 'x', dims: [1, 1, 2, 2] }], outputs: [{ name: 'y', dims: null }],
      initializers: { scales: f32([1, 1, 2, 2], [4]) },
      nodes: [{ op: 'Resize', name: 'rs', inputs: ['x', 'scales'], outputs: ['y'] }],
    }, /Resize node 'rs' is Resize-10/],
  ];
  for (const [label, spec, message] of refuse) {
    it(`refuses ${label} with ERR_UNSUPPORTED_OP`, async () => {
      const model = await loadSpec(spec);
      expect(() => toQDQ(model, new Map())).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_OP', message: expect.stringMatching(message) }));
    });
  }

  it('accepts Softmax-11 over the last axis (same meaning at 13)', async () => {
    const spec: ModelSpec = {
      opset: 11, inputs: [{ name: 'x', dims: [2, 3, 4] }], outputs: [{ name: 'y', dims: [2, 3, 4] }],
      nodes: [{ op: 'Softmax', inputs: ['x'], outputs: ['y'], attrs: { axis: 2 } }],
    };
    const model = await loadSpec(spec);
    const feeds = { x: x([2, 3, 4]) };
    const out = await runOrt(exportQDQBytes(model, new Map()), feeds);
    expect(relDiff(out.y!, (await runOrt(buildModel(spec), feeds)).y!)).toBeLessThan(1e-6);
  });
});
